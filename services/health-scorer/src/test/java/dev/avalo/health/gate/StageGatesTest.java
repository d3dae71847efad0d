package dev.avalo.health.gate;

import static dev.avalo.health.Traffic.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.avalo.health.Traffic;
import dev.avalo.health.stats.Wilson;
import dev.avalo.health.window.MetricKind;
import dev.avalo.health.window.ServiceWindows;

class StageGatesTest {

    private static final String CANARY = "v2";
    private static final String STABLE = "v1";

    private final StageGates gates = new StageGates(GateSettings.defaults(), Wilson.ninetyFive(), 60);
    private final ServiceWindows w = new ServiceWindows("chat-api", "production", 660);

    @BeforeEach
    void stageStarts() {
        w.revision(CANARY).resetCumulative(T0);
        w.revision(STABLE).resetCumulative(T0);
    }

    private GateOutcome gate(String name) {
        return gates.evaluate(name, new GateContext(w.existing(CANARY), w.existing(STABLE), T0 + 900,
                new AlertView(true, List.of())));
    }

    @Test
    void errorRatePassesOnlyWhenTheUpperBoundIsBelowTwoPercent() {
        // 1 % of 20 rps for 15 minutes: 180 requests, none failed — upper bound 2.1 %: not proven yet
        for (long t = T0; t < T0 + 900; t += 5) {
            Traffic.second(w, CANARY, t, 1, 0, 40);
        }
        GateOutcome few = gate("error-rate");
        assertThat(few.status()).isEqualTo(GateStatus.UNKNOWN);
        assertThat(few.samples()).isEqualTo(180);
        assertThat(few.upper()).isGreaterThan(2.0);

        for (long t = T0 + 1; t < T0 + 900; t += 5) {
            Traffic.second(w, CANARY, t, 1, 0, 40);
        }
        GateOutcome enough = gate("error-rate");
        assertThat(enough.status()).isEqualTo(GateStatus.PASS);
        assertThat(enough.toWire().status()).isEqualTo("PASS");
        assertThat(enough.toWire().upper()).isLessThan(2.0);
    }

    @Test
    void errorRateFailsWhenTheLowerBoundIsAboveTwoPercent() {
        Traffic.seconds(w, CANARY, T0, T0 + 100, 100, 5, 40);
        assertThat(gate("error-rate").status()).isEqualTo(GateStatus.FAIL);
        assertThat(gate("success-rate").status()).isEqualTo(GateStatus.FAIL);
    }

    @Test
    void latencyP95FromTheShareOfSlowRequests() {
        Traffic.seconds(w, CANARY, T0, T0 + 100, 100, 0, 100, 100, 100, 100, 100, 100, 100, 100, 100, 1500);
        GateOutcome slow = gate("latency-p95");
        assertThat(slow.status()).isEqualTo(GateStatus.FAIL);
        assertThat(slow.observed()).isGreaterThan(1200.0);

        ServiceWindows fast = new ServiceWindows("chat-api", "production", 660);
        fast.revision(CANARY).resetCumulative(T0);
        Traffic.seconds(fast, CANARY, T0, T0 + 100, 100, 0, 100, 200, 300);
        GateOutcome ok = gates.evaluate("latency-p95", new GateContext(fast.existing(CANARY), null, T0 + 100, null));
        assertThat(ok.status()).isEqualTo(GateStatus.PASS);
    }

    @Test
    void noCriticalAlertsNeedsAnAlertSource() {
        Traffic.seconds(w, CANARY, T0, T0 + 10, 10, 0, 40);
        GateContext none = new GateContext(w.existing(CANARY), null, T0 + 10, AlertView.unconfigured());
        assertThat(gates.evaluate("no-critical-alerts", none).status()).isEqualTo(GateStatus.UNKNOWN);
        GateContext firing = new GateContext(w.existing(CANARY), null, T0 + 10,
                new AlertView(true, List.of("HighErrorRate")));
        GateOutcome fail = gates.evaluate("no-critical-alerts", firing);
        assertThat(fail.status()).isEqualTo(GateStatus.FAIL);
        assertThat(fail.detail()).contains("HighErrorRate");
        assertThat(gate("no-critical-alerts").status()).isEqualTo(GateStatus.PASS);
        GateContext silent = new GateContext(w.existing(CANARY), null, T0 + 10, new AlertView(true, false, List.of()));
        assertThat(gates.evaluate("no-critical-alerts", silent).status()).isEqualTo(GateStatus.UNKNOWN);
    }

    @Test
    void paymentSuccessJudgesTheFailureRateWithItsBounds() {
        Traffic.pushed(w, CANARY, "payment_transactions", MetricKind.COUNTER, T0, T0 + 100, 10);
        assertThat(gate("payment-success").status()).as("1000 payments, none failed").isEqualTo(GateStatus.PASS);
        assertThat(gate("payment-success").observed()).isEqualTo(100.0);
        Traffic.pushed(w, CANARY, "payment_failures", MetricKind.COUNTER, T0, T0 + 100, 1);
        assertThat(gate("payment-success").status()).isEqualTo(GateStatus.FAIL);
    }

    @Test
    void withinBaselineGatesCompareWithTheStableOverTheSameSeconds() {
        Traffic.pushed(w, STABLE, "db_query_time_ms", MetricKind.GAUGE, T0, T0 + 100, 10);
        Traffic.pushed(w, CANARY, "db_query_time_ms", MetricKind.GAUGE, T0, T0 + 100, 11.5);
        assertThat(gate("db-query-time").status()).isEqualTo(GateStatus.PASS);
        assertThat(gate("ai-model-latency").status()).as("nothing pushed").isEqualTo(GateStatus.UNKNOWN);
        Traffic.pushed(w, STABLE, "engagement", MetricKind.GAUGE, T0, T0 + 100, 10);
        Traffic.pushed(w, CANARY, "engagement", MetricKind.GAUGE, T0, T0 + 100, 7);
        assertThat(gate("engagement").status()).isEqualTo(GateStatus.FAIL);
    }

    @Test
    void withinBaselineGatesWaitForTenSecondsOfTheStageBeforeDeciding() {
        // seen end to end (e2e GoodReleasePromotedIT): 2 s into a stage, one reading each, 15.2 ms vs 12.2 ms failed the gate
        // and paused a healthy canary
        Traffic.pushed(w, STABLE, "db_query_time_ms", MetricKind.GAUGE, T0, T0 + 2, 12.2);
        Traffic.pushed(w, CANARY, "db_query_time_ms", MetricKind.GAUGE, T0, T0 + 2, 15.2);
        GateOutcome early = gate("db-query-time");
        assertThat(early.status()).isEqualTo(GateStatus.UNKNOWN);
        assertThat(early.detail()).contains("too few seconds");
        Traffic.pushed(w, STABLE, "db_query_time_ms", MetricKind.GAUGE, T0 + 2, T0 + 12, 12.2);
        Traffic.pushed(w, CANARY, "db_query_time_ms", MetricKind.GAUGE, T0 + 2, T0 + 12, 15.2);
        assertThat(gate("db-query-time").status()).as("a sustained difference still fails").isEqualTo(GateStatus.FAIL);
    }

    @Test
    void revenueIsJudgedOnTheIntervalOfItsRatioNotOnAHandfulOfPayments() {
        // 100 requests a side, 1 in 5 paying 5.00: the canary's 16 payments against the stable's 20 is 0.8 of the stable's
        // revenue per request, which a point estimate would FAIL at the 20 % tolerance; it is well within chance
        Traffic.seconds(w, STABLE, T0, T0 + 10, 10, 0, 40);
        Traffic.seconds(w, CANARY, T0, T0 + 10, 10, 0, 40);
        Traffic.pushed(w, STABLE, "payment_transactions", MetricKind.COUNTER, T0, T0 + 10, 2);
        Traffic.pushed(w, STABLE, "revenue", MetricKind.COUNTER, T0, T0 + 10, 10);
        Traffic.pushed(w, CANARY, "payment_transactions", MetricKind.COUNTER, T0, T0 + 8, 2);
        Traffic.pushed(w, CANARY, "revenue", MetricKind.COUNTER, T0, T0 + 8, 10);
        GateOutcome few = gate("revenue");
        assertThat(few.status()).isEqualTo(GateStatus.UNKNOWN);
        assertThat(few.observed()).isCloseTo(0.8, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(few.lower()).isLessThan(0.8);
        assertThat(few.upper()).isGreaterThan(1.0);

        // 10,000 requests a side: 2000 payments each, the same revenue per request: PASS
        ServiceWindows many = new ServiceWindows("chat-api", "production", 660);
        many.revision(CANARY).resetCumulative(T0);
        many.revision(STABLE).resetCumulative(T0);
        for (String r : List.of(CANARY, STABLE)) {
            Traffic.seconds(many, r, T0, T0 + 100, 100, 0, 40);
            Traffic.pushed(many, r, "payment_transactions", MetricKind.COUNTER, T0, T0 + 100, 20);
        }
        Traffic.pushed(many, STABLE, "revenue", MetricKind.COUNTER, T0, T0 + 100, 100);
        Traffic.pushed(many, CANARY, "revenue", MetricKind.COUNTER, T0, T0 + 100, 98);
        assertThat(gates.evaluate("revenue", new GateContext(many.existing(CANARY), many.existing(STABLE), T0 + 100,
                null)).status()).isEqualTo(GateStatus.PASS);

        // the canary earns half as much per request on 1000 payments: FAIL
        ServiceWindows half = new ServiceWindows("chat-api", "production", 660);
        half.revision(CANARY).resetCumulative(T0);
        half.revision(STABLE).resetCumulative(T0);
        for (String r : List.of(CANARY, STABLE)) {
            Traffic.seconds(half, r, T0, T0 + 100, 50, 0, 40);
        }
        Traffic.pushed(half, STABLE, "payment_transactions", MetricKind.COUNTER, T0, T0 + 100, 10);
        Traffic.pushed(half, STABLE, "revenue", MetricKind.COUNTER, T0, T0 + 100, 50);
        Traffic.pushed(half, CANARY, "payment_transactions", MetricKind.COUNTER, T0, T0 + 100, 5);
        Traffic.pushed(half, CANARY, "revenue", MetricKind.COUNTER, T0, T0 + 100, 25);
        GateOutcome low = gates.evaluate("revenue", new GateContext(half.existing(CANARY), half.existing(STABLE), T0 + 100,
                null));
        assertThat(low.status()).isEqualTo(GateStatus.FAIL);
        assertThat(low.detail()).contains("ratio 0.500");
    }

    @Test
    void revenueWithoutPaymentCountsWaitsForTenTimesTheReferenceRequests() {
        Traffic.seconds(w, STABLE, T0, T0 + 50, 10, 0, 40);
        Traffic.seconds(w, CANARY, T0, T0 + 50, 10, 0, 40);
        Traffic.pushed(w, STABLE, "revenue", MetricKind.COUNTER, T0, T0 + 50, 10);
        Traffic.pushed(w, CANARY, "revenue", MetricKind.COUNTER, T0, T0 + 50, 10);
        assertThat(gate("revenue").status()).isEqualTo(GateStatus.UNKNOWN);
        Traffic.seconds(w, STABLE, T0 + 50, T0 + 100, 10, 0, 40);
        Traffic.seconds(w, CANARY, T0 + 50, T0 + 100, 10, 0, 40);
        Traffic.pushed(w, STABLE, "revenue", MetricKind.COUNTER, T0 + 50, T0 + 100, 10);
        Traffic.pushed(w, CANARY, "revenue", MetricKind.COUNTER, T0 + 50, T0 + 100, 10);
        assertThat(gate("revenue").status()).isEqualTo(GateStatus.PASS);
    }

    @Test
    void systemHealthNeedsFreshCpuAndMemory() {
        Traffic.pushed(w, CANARY, "cpu_percent", MetricKind.GAUGE, T0 + 880, T0 + 900, 40);
        assertThat(gate("system-health").status()).isEqualTo(GateStatus.UNKNOWN);
        Traffic.pushed(w, CANARY, "memory_percent", MetricKind.GAUGE, T0 + 880, T0 + 900, 50);
        assertThat(gate("system-health").status()).isEqualTo(GateStatus.PASS);
        Traffic.pushed(w, CANARY, "db_connection_up", MetricKind.GAUGE, T0 + 899, T0 + 900, 0);
        assertThat(gate("system-health").status()).isEqualTo(GateStatus.FAIL);
    }

    @Test
    void abComparisonFindsASlowerCanaryAndPassesAnEquivalentOne() {
        Traffic.seconds(w, STABLE, T0, T0 + 300, 100, 1, 80, 100, 120);
        Traffic.seconds(w, CANARY, T0, T0 + 300, 100, 1, 80, 100, 120);
        GateOutcome same = gate("ab-comparison");
        assertThat(same.status()).as(same.detail()).isEqualTo(GateStatus.PASS);
        assertThat(same.detail()).contains("Mann-Whitney", "Cohen's h");

        ServiceWindows slower = new ServiceWindows("chat-api", "production", 660);
        Traffic.seconds(slower, STABLE, T0, T0 + 300, 100, 1, 80, 100, 120);
        Traffic.seconds(slower, CANARY, T0, T0 + 300, 100, 1, 120, 150, 180);
        GateOutcome bad = gates.evaluate("ab-comparison",
                new GateContext(slower.existing(CANARY), slower.existing(STABLE), T0 + 300, null));
        assertThat(bad.status()).isEqualTo(GateStatus.FAIL);
        assertThat(bad.observed()).as("probability a canary request is slower").isGreaterThan(0.7);
    }

    @Test
    void abComparisonNeedsSamplesOnBothSides() {
        Traffic.seconds(w, STABLE, T0, T0 + 300, 100, 1, 100);
        Traffic.seconds(w, CANARY, T0, T0 + 50, 1, 0, 100);
        assertThat(gate("ab-comparison").status()).isEqualTo(GateStatus.UNKNOWN);
    }

    @Test
    void everyGateIsUnknownWithoutData() {
        List<GateOutcome> all = gates.evaluateAll(new GateContext(null, null, T0, AlertView.unconfigured()));
        assertThat(all).hasSize(StageGates.NAMES.size()).allMatch(g -> g.status() == GateStatus.UNKNOWN);
    }

    @Test
    void userFeedbackFromSessionAndAuthFailures() {
        Traffic.pushed(w, CANARY, "sessions", MetricKind.COUNTER, T0, T0 + 100, 20);
        Traffic.pushed(w, CANARY, "auth_attempts", MetricKind.COUNTER, T0, T0 + 100, 20);
        assertThat(gate("user-feedback").status()).isEqualTo(GateStatus.PASS);
        Traffic.pushed(w, CANARY, "auth_failures", MetricKind.COUNTER, T0, T0 + 100, 3);
        assertThat(gate("user-feedback").status()).isEqualTo(GateStatus.FAIL);
    }
}
