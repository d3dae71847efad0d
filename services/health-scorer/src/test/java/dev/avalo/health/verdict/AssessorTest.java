package dev.avalo.health.verdict;

import static dev.avalo.health.Traffic.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.avalo.contracts.health.GateResult;
import dev.avalo.contracts.health.HealthReport;
import dev.avalo.contracts.health.Verdict;
import dev.avalo.health.Traffic;
import dev.avalo.health.gate.AlertView;
import dev.avalo.health.gate.GateOutcome;
import dev.avalo.health.gate.GateSettings;
import dev.avalo.health.gate.GateStatus;
import dev.avalo.health.gate.StageGates;
import dev.avalo.health.report.Reports;
import dev.avalo.health.rule.DefaultRules;
import dev.avalo.health.rule.RuleDefinition;
import dev.avalo.health.rule.RuleEvaluator;
import dev.avalo.health.rule.RuleParser;
import dev.avalo.health.rule.RuleSettings;
import dev.avalo.health.score.ScoreSettings;
import dev.avalo.health.score.Scorer;
import dev.avalo.health.stats.Wilson;
import dev.avalo.health.window.MetricKind;
import dev.avalo.health.window.ServiceWindows;

class AssessorTest {

    private static final List<String> STAGE1 = List.of("error-rate", "latency-p95", "success-rate", "no-critical-alerts");
    private static final AlertView QUIET = new AlertView(true, List.of());

    private final List<RuleDefinition> rules = DefaultRules.all(RuleParser.defaults());
    private final Assessor assessor = new Assessor(new Scorer(ScoreSettings.defaults()),
            new RuleEvaluator(RuleSettings.defaults()), new StageGates(GateSettings.defaults(), Wilson.ninetyFive(), 60),
            Assessor.Settings.defaults());
    private final ServiceWindows w = new ServiceWindows("chat-api", "production", 660);

    private LiveCanary canary(double share) {
        return new LiveCanary("chat-api", "production", "d-1", "v2", "v1", share, "canary-1", STAGE1,
                Instant.ofEpochSecond(T0), Instant.ofEpochSecond(T0));
    }

    private Assessment assess(double share, long at) {
        return assessor.assess(w, canary(share), rules, QUIET, Instant.ofEpochSecond(at));
    }

    private void stageStarts() {
        w.revision("v1").resetCumulative(T0);
        w.revision("v2").resetCumulative(T0);
    }

    /** Ten minutes of a healthy stage at 10 %: plenty of traffic, few stable errors, a CPU gauge. */
    private void healthyStage() {
        stageStarts();
        Traffic.seconds(w, "v1", T0, T0 + 600, 900, 1, 60, 80, 100);
        Traffic.seconds(w, "v2", T0, T0 + 600, 100, 0, 60, 80, 100);
        Traffic.pushed(w, "v2", "cpu_percent", MetricKind.GAUGE, T0, T0 + 600, 10);
    }

    @Test
    void aHealthyCanaryWithPlentyOfTrafficProceeds() {
        healthyStage();
        Assessment a = assess(0.1, T0 + 601);
        assertThat(a.breaches()).isEmpty();
        assertThat(a.score().score()).isGreaterThan(90.0);
        assertThat(a.score().missing()).isEmpty();
        assertThat(a.verdict()).as(String.join("; ", a.reasons())).isEqualTo(Verdict.PROCEED);

        HealthReport report = Reports.toWire(a, "Wilson 95%");
        assertThat(report.components()).containsOnlyKeys("errorRate", "latency", "throughput", "resource", "userImpact");
        assertThat(report.gates()).extracting(GateResult::gate).containsExactlyElementsOf(STAGE1);
        assertThat(report.samples().canaryRequests()).isEqualTo(100 * 300);
        assertThat(report.deploymentId()).isEqualTo("d-1");
    }

    @Test
    void onlyTheStagesGatesAreJudgedAndReportedAndANameTheScorerDoesNotKnowHoldsTheStage() {
        // revenue is a later stage's gate: with no payments it would be UNKNOWN, and at stage 1 nothing must show or say it
        healthyStage();
        List<String> listed = List.of("error-rate", "latency-p95", "error-rate", "no-such-gate");
        LiveCanary c = new LiveCanary("chat-api", "production", "d-1", "v2", "v1", 0.1, "canary-1", listed,
                Instant.ofEpochSecond(T0), Instant.ofEpochSecond(T0));
        Assessment a = assessor.assess(w, c, rules, QUIET, Instant.ofEpochSecond(T0 + 601));

        assertThat(a.gates()).extracting(GateOutcome::gate).containsExactly("error-rate", "latency-p95", "no-such-gate");
        assertThat(a.gates().get(0).status()).isEqualTo(GateStatus.PASS);
        assertThat(a.gates().get(2).status()).isEqualTo(GateStatus.UNKNOWN);
        assertThat(a.verdict()).isEqualTo(Verdict.CONTINUE);
        assertThat(a.reasons()).anyMatch(r -> r.contains("no-such-gate UNKNOWN (not a gate the scorer knows)"))
                .noneMatch(r -> r.contains("revenue"));
    }

    @Test
    void atFullShareTheGatesThatCompareWithTheStableDoNotHoldTheLastStage() {
        // the last stage (100 %) inherits every earlier gate; the stable serves nothing there, so the comparisons with it
        // (revenue, baseline, A/B) and the relative latency rule can never be proven: seen end to end (e2e
        // GoodReleasePromotedIT), a healthy production walk stayed in its last stage for good
        List<String> allGates = List.of("error-rate", "latency-p95", "success-rate", "no-critical-alerts", "revenue",
                "baseline-comparison", "ab-comparison");
        stageStarts();
        Traffic.seconds(w, "v2", T0, T0 + 600, 1000, 0, 60, 80, 100);
        Traffic.pushed(w, "v2", "cpu_percent", MetricKind.GAUGE, T0, T0 + 600, 10);
        Traffic.pushed(w, "v2", "revenue", MetricKind.COUNTER, T0, T0 + 600, 50);
        LiveCanary full = new LiveCanary("chat-api", "production", "d-1", "v2", "v1", 1.0, "full", allGates,
                Instant.ofEpochSecond(T0), Instant.ofEpochSecond(T0));
        Assessment a = assessor.assess(w, full, rules, QUIET, Instant.ofEpochSecond(T0 + 601));
        assertThat(a.verdict()).as(String.join("; ", a.reasons())).isEqualTo(Verdict.PROCEED);
        assertThat(a.reasons()).anySatisfy(r -> assertThat(r).contains("revenue, baseline-comparison, ab-comparison")
                .contains("judged at the earlier stages"));
        // below 100 % the same gates without a stable to compare with hold the stage, as before
        LiveCanary half = new LiveCanary("chat-api", "production", "d-1", "v2", "v1", 0.5, "canary-50", allGates,
                Instant.ofEpochSecond(T0), Instant.ofEpochSecond(T0));
        Assessment b = assessor.assess(w, half, rules, QUIET, Instant.ofEpochSecond(T0 + 601));
        assertThat(b.verdict()).as(String.join("; ", b.reasons())).isEqualTo(Verdict.CONTINUE);
        assertThat(b.reasons()).anySatisfy(r -> assertThat(r).contains("revenue UNKNOWN"));
    }

    @Test
    void aMedianExactlyAtTheRelativeThresholdHoldsTheStageInsteadOfProceeding() {
        // stable median 80 ms; the canary's requests: half at or below 80 ms, half at 130 ms, i.e. its median is +50 % or more
        // by the rule's measure (share slower than 1.5 × 80 = 120 ms is exactly 50 %): the 99.8 % breach test cannot prove
        // "> 50 %", and nothing proves "≤ 50 %" either
        Assessment a = heldUncleared(new long[]{60, 80, 100}, new long[]{60, 80, 130, 130},
                "rule median-latency-increase not cleared over the stage: 30000 of 60000 canary requests slower than 119.8 ms "
                        + "(stable latency_p50 79.9 ms + 50%), Wilson 99.8%");
        assertThat(a.score().score()).isGreaterThan(90.0);
    }

    @Test
    void aMedianJustPastTheThresholdButWithinTheHistogramsResolutionStillHolds() {
        // bench/judgement (+50 % median at 1 % of 2,000 rps): the histograms keep 1 % resolution, so 301 ms shares a bucket
        // with values below 1.5 × 200 ms; read with the stable's median at the top of its bucket (200.7 ms) and the limit's
        // bucket left out, half the canary's requests at 301 ms counted as none slower, and the stage cleared
        heldUncleared(new long[]{150, 200, 250}, new long[]{150, 200, 301, 301},
                "rule median-latency-increase not cleared over the stage: 30000 of 60000 canary requests slower than");
    }

    /**
     * Ten minutes of a stable (900 requests a second, one error) and a canary (100 a second) at 10 %, latencies cycling through
     * the given values: no breach, the stage held (CONTINUE) with a reason starting {@code reason}.
     */
    private Assessment heldUncleared(long[] stableMs, long[] canaryMs, String reason) {
        stageStarts();
        Traffic.seconds(w, "v1", T0, T0 + 600, 900, 1, stableMs);
        Traffic.seconds(w, "v2", T0, T0 + 600, 100, 0, canaryMs);
        Traffic.pushed(w, "v2", "cpu_percent", MetricKind.GAUGE, T0, T0 + 600, 10);
        Assessment a = assess(0.1, T0 + 601);
        assertThat(a.breaches()).isEmpty();
        assertThat(a.verdict()).as(String.join("; ", a.reasons())).isEqualTo(Verdict.CONTINUE);
        assertThat(a.reasons()).anySatisfy(r -> assertThat(r).startsWith(reason));
        return a;
    }

    @Test
    void aHealthyLowTrafficCanaryClearsTheRelativeLatencyRuleWithAFewDozenRequests() {
        stageStarts();
        Traffic.seconds(w, "v1", T0, T0 + 1200, 20, 0, 60, 80, 100);
        for (long t = T0; t < T0 + 1200; t += 5) {
            Traffic.second(w, "v2", t, 1, 0, t % 3 == 0 ? 60 : t % 3 == 1 ? 80 : 100);
        }
        Assessment a = assess(0.01, T0 + 1201);
        // 240 clean requests prove the gates at 95 %; none is slower than 120 ms, so the relative rule is cleared too
        assertThat(a.verdict()).as(String.join("; ", a.reasons())).isEqualTo(Verdict.PROCEED);
        assertThat(a.reasons()).noneSatisfy(r -> assertThat(r).contains("not cleared"));
    }

    @Test
    void oneEarlyRequestDoesNotRollBackOnItsThroughput() {
        // seen in bench/judgement: 1 request in the first 34 s of a 1 % of 20 rps canary is a throughput of 15 % and a user
        // impact of 15 % by their point values, which put even the optimistic score at 69.5 (ROLLBACK); the count is Poisson
        // noise (0.2 expected a second), so the optimistic score takes it at its upper bound
        stageStarts();
        Traffic.seconds(w, "v1", T0, T0 + 40, 20, 0, 100);
        for (long t = T0; t < T0 + 40; t++) {
            Traffic.second(w, "v2", t, t == T0 + 10 ? 1 : 0, 0, 100);
        }
        Assessment a = assess(0.01, T0 + 37);
        assertThat(a.score().components().get("throughput").value()).isLessThan(20.0);
        assertThat(a.verdict()).as(String.join("; ", a.reasons())).isNotIn(Verdict.ROLLBACK, Verdict.PAUSE);
        // a canary that truly gets no traffic for five minutes still scores as one
        Traffic.seconds(w, "v1", T0 + 40, T0 + 1200, 20, 0, 100);
        Traffic.seconds(w, "v2", T0 + 40, T0 + 1200, 0, 0, 100);
        Traffic.second(w, "v2", T0 + 1100, 1, 0, 100);
        Assessment later = assess(0.01, T0 + 1201);
        assertThat(later.score().components().get("throughput").value()).isLessThan(5.0);
        assertThat(later.verdict()).as(String.join("; ", later.reasons())).isEqualTo(Verdict.ROLLBACK);
    }

    @Test
    void aBreachedRuleRollsBackWhateverTheScore() {
        stageStarts();
        Traffic.seconds(w, "v1", T0, T0 + 600, 900, 1, 60);
        Traffic.seconds(w, "v2", T0, T0 + 600, 100, 0, 60);
        w.revision("v2").addCustom(T0 + 590, "payment_failures", MetricKind.COUNTER, 2);
        Assessment a = assess(0.1, T0 + 601);
        assertThat(a.verdict()).isEqualTo(Verdict.ROLLBACK);
        assertThat(a.newBreaches()).containsExactly("payment-failures-10m");
        HealthReport report = Reports.toWire(a, "Wilson 95%");
        assertThat(report.breaches()).singleElement().satisfies(b -> {
            assertThat(b.ruleId()).isEqualTo("payment-failures-10m");
            assertThat(b.description()).isEqualTo("Payment processing failures > 1 in 10 minutes");
            assertThat(b.observed()).isEqualTo(2.0);
            assertThat(b.threshold()).isEqualTo(1.0);
        });
    }

    @Test
    void onePercentOfTwentyRpsWithOneErrorHoldsInsteadOfRollingBack() {
        stageStarts();
        Traffic.seconds(w, "v1", T0, T0 + 600, 20, 0, 60);
        for (long t = T0; t < T0 + 600; t += 5) {
            Traffic.second(w, "v2", t, 1, t == T0 + 500 ? 1 : 0, 60);
        }
        Assessment a = assess(0.01, T0 + 601);
        // 1 error in 60 requests: 1.7 % → error score 17, point score well below 90
        assertThat(a.breaches()).isEmpty();
        assertThat(a.verdict()).as(String.join("; ", a.reasons())).isIn(Verdict.INSUFFICIENT_DATA, Verdict.CONTINUE);
        assertThat(a.verdict()).isNotIn(Verdict.ROLLBACK, Verdict.PAUSE, Verdict.PROCEED);
    }

    @Test
    void aHealthyLowTrafficCanaryIsNotPromotedBeforeItsGatesAreProven() {
        stageStarts();
        Traffic.seconds(w, "v1", T0, T0 + 600, 20, 0, 60);
        for (long t = T0; t < T0 + 600; t += 5) {
            Traffic.second(w, "v2", t, 1, 0, 60);
        }
        Assessment a = assess(0.01, T0 + 601);
        // the score is perfect, but 120 clean requests cannot show the error rate is below 2 %
        assertThat(a.score().score()).isGreaterThanOrEqualTo(90.0);
        assertThat(a.verdict()).isEqualTo(Verdict.CONTINUE);
        assertThat(a.reasons()).anyMatch(r -> r.contains("error-rate UNKNOWN"));
        assertThat(Reports.toWire(a, "Wilson 95%").reasons()).anyMatch(r -> r.contains("stage gates not passing"));
    }

    @Test
    void withoutCanaryTrafficTheVerdictIsInsufficientData() {
        Traffic.seconds(w, "v1", T0, T0 + 600, 20, 0, 60);
        Assessment a = assess(0.01, T0 + 601);
        assertThat(a.verdict()).isEqualTo(Verdict.INSUFFICIENT_DATA);
        assertThat(a.score().score()).isNull();
        assertThat(Reports.toWire(a, "x").score()).isNull();
    }

    @Test
    void aFailedStageGatePauses() {
        stageStarts();
        Traffic.seconds(w, "v1", T0, T0 + 600, 900, 1, 60);
        Traffic.seconds(w, "v2", T0, T0 + 600, 100, 0, 60);
        Assessment a = assessor.assess(w, canary(0.1), rules, new AlertView(true, List.of("HighLatency")),
                Instant.ofEpochSecond(T0 + 601));
        assertThat(a.verdict()).isEqualTo(Verdict.PAUSE);
        assertThat(a.reasons()).anyMatch(r -> r.contains("no-critical-alerts FAIL"));
    }

    @Test
    void rightAfterAPromotionTheScoreComparesOnlyTheNewStagesSeconds() {
        // 10 minutes at 1 %, then 30 seconds at 10 %: a window reaching back into stage 1 would see a tenth of the
        // expected canary throughput and pause a healthy canary
        Traffic.seconds(w, "v1", T0, T0 + 600, 990, 0, 60);
        Traffic.seconds(w, "v2", T0, T0 + 600, 10, 0, 60);
        Traffic.seconds(w, "v1", T0 + 600, T0 + 630, 900, 0, 60);
        Traffic.seconds(w, "v2", T0 + 600, T0 + 630, 100, 0, 60);
        LiveCanary stage2 = new LiveCanary("chat-api", "production", "d-1", "v2", "v1", 0.1, "canary-10", STAGE1,
                Instant.ofEpochSecond(T0), Instant.ofEpochSecond(T0 + 600));
        Assessment a = assessor.assess(w, stage2, rules, QUIET, Instant.ofEpochSecond(T0 + 631));
        assertThat(a.score().components().get("throughput").value()).isCloseTo(100.0,
                org.assertj.core.api.Assertions.within(0.5));
        assertThat(a.canaryRequests()).isEqualTo(100 * 30);
    }

    @Test
    void atLowTrafficTheScoreUsesTheWholeStage() {
        stageStarts();
        Traffic.seconds(w, "v1", T0, T0 + 900, 20, 0, 60);
        for (long t = T0; t < T0 + 900; t += 5) {
            Traffic.second(w, "v2", t, 1, 0, 60);
        }
        Assessment a = assess(0.01, T0 + 901);
        // 60 requests in the last 5 minutes are too few: the whole stage's 180 count
        assertThat(a.canaryRequests()).isEqualTo(180);
        assertThat(a.score().components().get("throughput").value()).isCloseTo(99.0,
                org.assertj.core.api.Assertions.within(1.0));
        // the fixture gives a one-request second one user and a 20-request second ten: per share the canary has more
        assertThat(a.score().components().get("userImpact").value()).isCloseTo(198.0,
                org.assertj.core.api.Assertions.within(1.0));
        assertThat(a.score().components().get("userImpact").score()).isEqualTo(100.0);
    }

    @Test
    void throughputAlsoComparesTheServiceTotalWithThePreDeploymentBaseline() {
        // before: 1000 rps on the stable; during: 450 + 50 — per share the canary matches the stable, but the service
        // lost half its traffic
        Traffic.seconds(w, "v1", T0 - 300, T0, 1000, 0, 60);
        w.captureBaseline("v1", Instant.ofEpochSecond(T0), 300);
        stageStarts();
        Traffic.seconds(w, "v1", T0, T0 + 300, 450, 0, 60);
        Traffic.seconds(w, "v2", T0, T0 + 300, 50, 0, 60);
        Assessment a = assess(0.1, T0 + 301);
        assertThat(a.score().components().get("throughput").value()).isCloseTo(50.0,
                org.assertj.core.api.Assertions.within(0.5));
    }

    @Test
    void worstWins() {
        assertThat(Verdicts.worst(Verdict.PROCEED, Verdict.INSUFFICIENT_DATA)).isEqualTo(Verdict.INSUFFICIENT_DATA);
        assertThat(Verdicts.worst(Verdict.PAUSE, Verdict.INSUFFICIENT_DATA)).isEqualTo(Verdict.PAUSE);
        assertThat(Verdicts.worst(Verdict.ROLLBACK, Verdict.CONTINUE)).isEqualTo(Verdict.ROLLBACK);
    }
}
