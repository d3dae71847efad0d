package dev.avalo.orchestrator.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class DefaultStrategiesTest {

    private static final long MIN = 60;
    private static final long HOUR = 3600;

    @Test
    void productionMatchesTheStrategyDocument() {
        Strategy p = DefaultStrategies.production();
        assertThat(p.environment()).isEqualTo("production");
        assertThat(p.stages()).extracting(Stage::weightBasisPoints).containsExactly(100, 1000, 2500, 5000, 10000);
        assertThat(p.stages()).extracting(Stage::minDurationSeconds).containsExactly(15 * MIN, 30 * MIN, 30 * MIN,
                30 * MIN, 0L);
        assertThat(p.stages()).extracting(Stage::approval).containsExactly(ApprovalPolicy.NONE,
                ApprovalPolicy.ON_WARNING, ApprovalPolicy.NONE, ApprovalPolicy.NONE, ApprovalPolicy.NONE);
        assertThat(p.stages()).extracting(Stage::name).doesNotHaveDuplicates();
        assertThat(p.bakeSeconds()).isEqualTo(24 * HOUR);
        assertThat(p.blueRetentionSeconds()).isEqualTo(24 * HOUR);
        assertThat(p.promotionScheduleCheck()).isTrue();
        assertThat(p.checklistRequired()).isTrue();
    }

    @Test
    void productionGatesFollowTheMonitoringLinesOfEachStage() {
        Strategy p = DefaultStrategies.production();
        // Stage 1: error rate < 2 %, P95 < 1200 ms, success rate > 98 %, no critical alerts
        assertThat(p.stage(0).gates()).containsExactlyInAnyOrder("error-rate", "latency-p95", "success-rate",
                "no-critical-alerts");
        // Stage 2: DB query performance, AI model response times, payment success rate (plus all of stage 1)
        assertThat(p.stage(1).gates()).containsExactlyInAnyOrder("db-query-time", "ai-model-latency",
                "payment-success");
        // Stage 3: engagement, revenue, chat delivery latency, baseline comparison
        assertThat(p.stage(2).gates()).containsExactlyInAnyOrder("engagement", "revenue", "chat-delivery-latency",
                "baseline-comparison");
        // Stage 4: complete system health check, A/B comparison, user feedback
        assertThat(p.stage(3).gates()).containsExactlyInAnyOrder("system-health", "ab-comparison", "user-feedback");
        assertThat(p.gatesAt(1)).containsExactly("error-rate", "latency-p95", "success-rate", "no-critical-alerts",
                "db-query-time", "ai-model-latency", "payment-success");
        // at 100 % every gate of the document applies but those that compare with the stable, which serves nothing there (with
        // them a healthy deployment never left its 100 % stage against the real health-scorer: e2e GoodReleasePromotedIT)
        assertThat(p.gatesAt(3)).containsExactlyInAnyOrderElementsOf(Gates.names());
        assertThat(p.gatesAt(4)).containsExactlyInAnyOrder("error-rate", "latency-p95", "success-rate",
                "no-critical-alerts", "payment-success", "system-health", "user-feedback");
    }

    @Test
    void stagingMatchesTheStrategyDocument() {
        Strategy s = DefaultStrategies.staging();
        assertThat(s.environment()).isEqualTo("staging");
        assertThat(s.stages()).extracting(Stage::weightBasisPoints).containsExactly(1000, 5000, 10000);
        assertThat(s.stages()).extracting(Stage::minDurationSeconds).containsOnly(15 * MIN);
        assertThat(s.stages()).extracting(Stage::approval).containsExactly(ApprovalPolicy.ALWAYS,
                ApprovalPolicy.ALWAYS, ApprovalPolicy.NONE);
        assertThat(s.bakeSeconds()).isZero();
        assertThat(s.blueRetentionSeconds()).isEqualTo(24 * HOUR);
        assertThat(s.promotionScheduleCheck()).isFalse();
        assertThat(s.checklistRequired()).isFalse();
    }

    @Test
    void developmentMatchesTheStrategyDocument() {
        Strategy d = DefaultStrategies.development();
        assertThat(d.environment()).isEqualTo("development");
        assertThat(d.stages()).singleElement().satisfies(st -> {
            assertThat(st.weightBasisPoints()).isEqualTo(10000);
            assertThat(st.minDurationSeconds()).isEqualTo(5 * MIN);
            assertThat(st.approval()).isEqualTo(ApprovalPolicy.NONE);
        });
        assertThat(d.bakeSeconds()).isZero();
        assertThat(d.promotionScheduleCheck()).isFalse();
        assertThat(d.checklistRequired()).isFalse();
    }

    @Test
    void allHoldsOneStrategyPerEnvironmentAndEachPassesTheValidator() {
        List<Strategy> all = DefaultStrategies.all();
        assertThat(all).extracting(Strategy::environment).containsExactlyInAnyOrder("development", "staging",
                "production");
        for (Strategy s : all) {
            assertThatCode(() -> StrategyValidator.validate(s)).as(s.environment()).doesNotThrowAnyException();
            Set<String> gates = new LinkedHashSet<>();
            s.stages().forEach(st -> gates.addAll(st.gates()));
            assertThat(gates).allMatch(Gates::isKnown);
        }
    }

    @Test
    void everyFactoryCallReturnsAnEqualFreshPlan() {
        assertThat(DefaultStrategies.production()).isEqualTo(DefaultStrategies.production());
        assertThat(DefaultStrategies.production().stages()).isUnmodifiable();
    }

    @Test
    void scaledDividesEveryDuration() {
        Strategy p = DefaultStrategies.production().scaled(60);
        assertThat(p.stages()).extracting(Stage::minDurationSeconds).containsExactly(15L, 30L, 30L, 30L, 0L);
        assertThat(p.bakeSeconds()).isEqualTo(24 * MIN);
        assertThat(p.blueRetentionSeconds()).isEqualTo(24 * MIN);
        // everything else is kept
        assertThat(p.stages()).extracting(Stage::weightBasisPoints).containsExactly(100, 1000, 2500, 5000, 10000);
        assertThat(p.stages()).extracting(Stage::approval)
                .containsExactlyElementsOf(DefaultStrategies.production().stages().stream().map(Stage::approval)
                        .toList());
        assertThat(p.stages()).extracting(Stage::gates).containsExactlyElementsOf(
                DefaultStrategies.production().stages().stream().map(Stage::gates).toList());
        assertThat(p.stages()).extracting(Stage::name).containsExactlyElementsOf(
                DefaultStrategies.production().stages().stream().map(Stage::name).toList());
        assertThat(p.environment()).isEqualTo("production");
        assertThat(p.promotionScheduleCheck()).isTrue();
        assertThat(p.checklistRequired()).isTrue();

        Strategy d = DefaultStrategies.development().scaled(60);
        assertThat(d.stage(0).minDurationSeconds()).isEqualTo(5);
        Strategy s = DefaultStrategies.staging().scaled(900);
        assertThat(s.stages()).extracting(Stage::minDurationSeconds).containsOnly(1L);
    }

    @Test
    void scaledByOneIsTheSamePlan() {
        Strategy p = DefaultStrategies.production();
        assertThat(p.scaled(1.0)).isSameAs(p);
    }

    @Test
    void scaledRoundsToWholeSeconds() {
        Strategy s = new Strategy("qa", List.of(new Stage("a", 100, 45, null, null), new Stage("b", 10000, 89, null,
                null)), 29, 31, false, false).scaled(60);
        assertThat(s.stages()).extracting(Stage::minDurationSeconds).containsExactly(1L, 1L);
        assertThat(s.bakeSeconds()).isZero();
        assertThat(s.blueRetentionSeconds()).isEqualTo(1);
    }
}
