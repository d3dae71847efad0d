package dev.avalo.health.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.avalo.contracts.health.Verdict;
import dev.avalo.health.stats.Proportion;
import dev.avalo.health.stats.Wilson;

class ScorerTest {

    private final Scorer scorer = new Scorer(ScoreSettings.defaults());
    private final Wilson wilson = Wilson.ninetyFive();

    @ParameterizedTest(name = "error rate {0}% scores {1}")
    @CsvSource({"0, 100", "2, 0", "1, 50", "0.4, 80", "5, 0", "-1, 100"})
    void errorRateAnchors(double rate, double score) {
        assertThat(scorer.errorRateScore(rate)).isCloseTo(score, within(1e-9));
    }

    @ParameterizedTest(name = "p95 {0} ms scores {1}")
    @CsvSource({"500, 100", "1200, 0", "850, 50", "200, 100", "3000, 0", "612, 84"})
    void latencyAnchors(double p95, double score) {
        assertThat(scorer.latencyScore(p95)).isCloseTo(score, within(1e-9));
    }

    @Test
    void throughputAndUserImpactAreCappedAndResourceIsTheHeadroom() {
        assertThat(scorer.ratioScore(150)).isEqualTo(100.0);
        assertThat(scorer.ratioScore(98.5)).isEqualTo(98.5);
        assertThat(scorer.resourceScore(41.5)).isEqualTo(58.5);
        assertThat(scorer.resourceScore(0)).isEqualTo(100.0);
        assertThat(scorer.resourceScore(100)).isEqualTo(0.0);
    }

    private ScoreInputs inputs(long errors, long requests, double p95, double throughput, double resource,
            double users) {
        return new ScoreInputs(wilson.interval(errors, requests), new double[]{p95, p95, p95}, throughput, resource,
                users);
    }

    @Test
    void theDocumentsWeightsWithEveryComponent() {
        // 0.4 % errors → 80, p95 612 → 84, throughput 98.5, resource 58.5, users 100
        HealthScore s = scorer.score(inputs(40_000, 10_000_000, 612, 98.5, 41.5, 101.2));
        double expected = 0.30 * 80 + 0.25 * 84 + 0.20 * 98.5 + 0.15 * 58.5 + 0.10 * 100;
        assertThat(s.score()).isCloseTo(expected, within(0.01));
        assertThat(s.missing()).isEmpty();
        assertThat(s.components().get(Components.USER_IMPACT).score()).isEqualTo(100.0);
        assertThat(s.verdict()).isEqualTo(Verdict.CONTINUE);
    }

    @Test
    void missingComponentsAreListedAndTheWeightsRenormalised() {
        HealthScore s = scorer.score(inputs(0, 1_000_000, 500, Double.NaN, Double.NaN, Double.NaN));
        assertThat(s.missing()).containsExactly(Components.THROUGHPUT, Components.RESOURCE, Components.USER_IMPACT);
        assertThat(s.components().get(Components.ERROR_RATE).weight()).isCloseTo(0.30 / 0.55, within(0.01));
        assertThat(s.components().get(Components.THROUGHPUT).score()).isNull();
        assertThat(s.components().get(Components.THROUGHPUT).value()).isNull();
        assertThat(s.score()).isEqualTo(100.0);
        assertThat(s.verdict()).isEqualTo(Verdict.PROCEED);
    }

    @Test
    void withoutErrorRateOrLatencyThereIsNoScore() {
        HealthScore noLatency = scorer.score(new ScoreInputs(wilson.interval(0, 1000), null, 100, 10, 100));
        assertThat(noLatency.score()).isNull();
        assertThat(noLatency.verdict()).isEqualTo(Verdict.INSUFFICIENT_DATA);
        assertThat(noLatency.missing()).containsExactly(Components.LATENCY);

        HealthScore nothing = scorer.score(new ScoreInputs(null, null, Double.NaN, Double.NaN, Double.NaN));
        assertThat(nothing.verdict()).isEqualTo(Verdict.INSUFFICIENT_DATA);
        assertThat(nothing.reason()).contains("errorRate and latency");
    }

    @ParameterizedTest(name = "error rate {0} per 10^6, p95 {1} ms → {2}")
    @CsvSource({"0, 500, PROCEED", "7000, 500, CONTINUE", "16000, 500, PAUSE", "18000, 850, ROLLBACK"})
    void bandsWithPlentyOfData(long errorsPerMillion, double p95, Verdict verdict) {
        // scores 100, 89.5, 76 and 60.5: every other component perfect
        HealthScore s = scorer.score(inputs(errorsPerMillion, 1_000_000, p95, 100, 0, 100));
        assertThat(s.verdict()).as("score %s", s.score()).isEqualTo(verdict);
    }

    @Test
    void aHandfulOfRequestsNeitherRollsBackNorPauses() {
        // 1 error in 30 requests: 3.3 % → error score 0 → point score 70 − ... but the interval reaches 0 %
        HealthScore s = scorer.score(new ScoreInputs(wilson.interval(1, 30), new double[]{400, 300, 900}, 100, 20,
                100));
        assertThat(s.score()).isLessThan(80.0);
        assertThat(s.verdict()).isEqualTo(Verdict.INSUFFICIENT_DATA);
    }

    @Test
    void aClearlyBadCanaryRollsBackEvenWithFewRequests() {
        // 20 errors in 40 requests: even the optimistic error rate is far above 2 %
        HealthScore s = scorer.score(new ScoreInputs(wilson.interval(20, 40), new double[]{2500, 2000, 3000},
                Double.NaN, Double.NaN, Double.NaN));
        assertThat(s.verdict()).isEqualTo(Verdict.ROLLBACK);
    }

    @Test
    void weightsAreConfigurableAndValidated() {
        Scorer latencyOnly = new Scorer(new ScoreSettings(Map.of(Components.ERROR_RATE, 0.0, Components.LATENCY, 1.0,
                Components.THROUGHPUT, 0.0, Components.RESOURCE, 0.0, Components.USER_IMPACT, 0.0), 2, 500, 1200, 90, 80,
                70));
        assertThat(latencyOnly.score(inputs(10_000, 1_000_000, 850, 100, 0, 100)).score()).isCloseTo(50.0,
                within(0.01));
        assertThatThrownBy(() -> new ScoreSettings(Map.of(Components.ERROR_RATE, -1.0), 2, 500, 1200, 90, 80, 70))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ScoreSettings(ScoreSettings.defaults().weights(), 2, 500, 1200, 80, 90, 70))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void proportionHelpers() {
        Proportion p = wilson.interval(1, 100);
        assertThat(p.pointPercent()).isEqualTo(1.0);
    }
}
