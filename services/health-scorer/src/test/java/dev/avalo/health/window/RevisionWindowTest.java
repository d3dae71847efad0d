package dev.avalo.health.window;

import static dev.avalo.health.Traffic.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.stream.IntStream;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class RevisionWindowTest {

    private static Histogram latencies(long count, long millis) {
        Histogram h = Histograms.create();
        h.recordValueWithCount(millis * 1000, count);
        return h;
    }

    @Test
    void samplesOfSeveralRoutersForTheSameSecondAreMerged() {
        RevisionWindow w = new RevisionWindow("v2", 660);
        w.addRouter(T0, 100, 2, 1, latencies(100, 10), 5, 40);
        w.addRouter(T0, 300, 4, 3, latencies(300, 50), 7, 60);

        Aggregate a = w.aggregate(T0, T0 + 1);
        assertThat(a.requests()).isEqualTo(400);
        assertThat(a.errors()).isEqualTo(6);
        assertThat(a.http5xx()).isEqualTo(4);
        assertThat(a.routerSeconds()).isEqualTo(1);
        assertThat(a.latency().getTotalCount()).isEqualTo(400);
        // 100 at 10 ms, 300 at 50 ms: the merged median is 50 ms, the 20th percentile 10 ms
        // 2 significant digits: within 1 %
        assertThat(a.latencyMillis(0.5).getAsDouble()).isCloseTo(50.0, within(0.5));
        assertThat(a.latencyMillis(0.2).getAsDouble()).isCloseTo(10.0, within(0.1));
        assertThat(a.meanConnections(1).getAsDouble()).isEqualTo(12.0);
        assertThat(a.meanUsers(1).getAsDouble()).isEqualTo(100.0);
        assertThat(a.meanUsers(4).getAsDouble()).as("seconds without a sample had no users").isEqualTo(25.0);
    }

    @Test
    void aQuietRevisionsSkippedSecondsLeaveTheRingAndFreeTheirBuckets() {
        // a canary at 1 % of a few requests a second: most seconds get no sample at all
        int len = 60;
        RevisionWindow w = new RevisionWindow("v2", len);
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        long t = T0;
        int afterFirstRing = -1;
        for (int k = 0; k < 2_000; k++) {
            t += 1 + random.nextInt(9);
            w.addRouter(t, 1 + random.nextInt(3), 0, 0, latencies(1 + random.nextInt(3), 20 + random.nextInt(400)), 1, 1);
            if (afterFirstRing < 0 && t - T0 > 2 * len) {
                afterFirstRing = w.latencyCompactions();
            }
            // the ring holds exactly the seconds of (newest - len, newest]: older ones answer nothing, even where their slot
            // was never reused
            assertThat(w.aggregate(t - 2 * len, t - len + 1).routerSeconds()).isZero();
        }
        assertThat(w.latencyCompactions()).as("the arena keeps its array once the ring has filled")
                .isLessThanOrEqualTo(afterFirstRing + 2);
    }

    @Test
    void pushedMetricsWhoseNamesShareAHashKeepTheirOwnColumns() {
        // "Aa" and "BB" have the same String.hashCode: a column is found by hash, then by name
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
        RevisionWindow w = new RevisionWindow("v2", 660);
        w.addCustom(T0, "Aa", MetricKind.COUNTER, 2);
        w.addCustom(T0 + 1, "BB", MetricKind.COUNTER, 5);
        w.addCustom(T0 + 2, new String("Aa"), MetricKind.COUNTER, 3); // equal, not the same instance

        assertThat(w.sumCustom("Aa", T0, T0 + 3)).containsExactly(5, 2);
        assertThat(w.sumCustom(new String("BB"), T0, T0 + 3)).containsExactly(5, 1);
        assertThat(w.firstSeen("BB")).isEqualTo(T0 + 1);
        assertThat(w.firstSeen("Ab")).isEqualTo(Long.MAX_VALUE);
        assertThat(w.customNames()).containsExactly("Aa", "BB");
    }

    @Test
    void encodedRouterHistogramsDecodeToTheSameCounts() {
        Histogram h = latencies(812, 23);
        Histogram decoded = Histograms.decode(Histograms.encode(h));
        assertThat(decoded.getTotalCount()).isEqualTo(812);
        assertThat(decoded.getValueAtPercentile(50)).isEqualTo(h.getValueAtPercentile(50));
        assertThatThrownBy(() -> Histograms.decode("not-base64!")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void settledSecondsKeepOnlyTheirNonEmptyBucketsAndStillAnswerTheSame() {
        RevisionWindow w = new RevisionWindow("v2", 660);
        Histogram h = Histograms.create();
        for (int i = 1; i <= 1000; i++) {
            h.recordValue(i * 1000L);
        }
        w.addRouter(T0, 1000, 0, 0, h, 0, 0);
        long above500 = w.aggregate(T0, T0 + 1).latency().getTotalCount()
                - w.aggregate(T0, T0 + 1).latency().getCountBetweenValues(0, 500_000);
        double p95 = w.aggregate(T0, T0 + 1).latencyMillis(0.95).getAsDouble();
        long[] dense = new long[1];
        w.forEachSecond(T0, T0 + 1, s -> dense[0] = s.countAbove(500_000));
        for (long t = T0 + 1; t < T0 + 10; t++) {
            w.addRouter(t, 1, 0, 0, latencies(1, 10), 0, 0);
        }
        long[] sparse = new long[1];
        w.forEachSecond(T0, T0 + 1, s -> sparse[0] = s.countAbove(500_000));
        assertThat(sparse[0]).isEqualTo(dense[0]).isEqualTo(above500);
        assertThat(w.aggregate(T0, T0 + 1).latencyMillis(0.95).getAsDouble()).isEqualTo(p95);
        assertThat(w.aggregate(T0, T0 + 1).latency().getTotalCount()).isEqualTo(1000);

        // a late sample for a compacted second is merged, not lost
        w.addRouter(T0, 10, 0, 0, latencies(10, 2000), 0, 0);
        assertThat(w.aggregate(T0, T0 + 1).latency().getTotalCount()).isEqualTo(1010);
        long[] late = new long[1];
        w.forEachSecond(T0, T0 + 1, s -> late[0] = s.countAbove(1_500_000));
        assertThat(late[0]).isEqualTo(10);
    }

    @Test
    void keepsTheRetentionAndDropsOlderSamples() {
        RevisionWindow w = new RevisionWindow("v2", 660);
        for (long t = T0; t < T0 + 700; t++) {
            w.addRouter(t, 10, 0, 0, null, 0, 0);
        }
        assertThat(w.aggregate(T0, T0 + 700).requests()).isEqualTo(6600);
        assertThat(w.addRouter(T0 + 10, 10, 0, 0, null, 0, 0)).as("older than the ring").isFalse();
        assertThat(w.addRouter(T0 + 699, 10, 0, 0, null, 0, 0)).isTrue();
        assertThat(w.aggregate(T0 + 699, T0 + 700).requests()).isEqualTo(20);
    }

    @Test
    void theRunningTotalSurvivesTheRing() {
        RevisionWindow w = new RevisionWindow("v2", 60);
        w.resetCumulative(T0 + 5);
        for (long t = T0; t < T0 + 200; t++) {
            w.addRouter(t, 10, 1, 0, latencies(10, 20), 0, 0);
            w.addCustom(t, "payment_transactions", MetricKind.COUNTER, 2);
        }
        Aggregate total = w.cumulative();
        assertThat(total.requests()).isEqualTo(1950);
        assertThat(total.errors()).isEqualTo(195);
        assertThat(total.latency().getTotalCount()).isEqualTo(1950);
        assertThat(total.counterSum("payment_transactions").getAsDouble()).isEqualTo(390.0);

        w.resetCumulative(T0 + 190);
        assertThat(w.cumulative().requests()).isEqualTo(100);
    }

    @Test
    void gaugesCarryForwardWhileFreshAndCountersAreZeroWhenSilent() {
        RevisionWindow w = new RevisionWindow("v2", 660);
        w.addCustom(T0, "cpu_percent", MetricKind.GAUGE, 40);
        w.addCustom(T0, "cpu_percent", MetricKind.GAUGE, 60);
        w.addCustom(T0 + 10, "payment_failures", MetricKind.COUNTER, 1);
        w.addCustom(T0 + 10, "payment_failures", MetricKind.COUNTER, 2);

        double[] cpu = w.series("cpu_percent", MetricKind.GAUGE, T0, T0 + 100, 60);
        assertThat(cpu[0]).as("mean within a second").isEqualTo(50.0);
        assertThat(cpu[60]).isEqualTo(50.0);
        assertThat(cpu[61]).as("stale after 60 s").isNaN();

        double[] failures = w.series("payment_failures", MetricKind.COUNTER, T0, T0 + 20, 60);
        assertThat(failures[10]).isEqualTo(3.0);
        assertThat(failures[11]).isZero();
        assertThat(w.firstSeen("payment_failures")).isEqualTo(T0 + 10);
    }

    @Test
    void aMetricKeepsItsKind() {
        RevisionWindow w = new RevisionWindow("v2", 660);
        w.addCustom(T0, "revenue", MetricKind.COUNTER, 1);
        assertThatThrownBy(() -> w.addCustom(T0, "revenue", MetricKind.GAUGE, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("counter");
    }

    @Test
    void aReferenceQuantileIsReusedForAFewSecondsThenRecomputed() {
        RevisionWindow w = new RevisionWindow("v1", 660);
        for (long t = T0; t < T0 + 400; t++) {
            w.addRouter(t, 100, 0, 0, latencies(100, t < T0 + 150 ? 100 : 300), 0, 0);
        }
        // half the seconds at 100 ms, half at 300 ms: the median sits at the edge
        double first = w.quantileMillis(0.5, T0, T0 + 300, 5).getAsDouble();
        assertThat(first).isCloseTo(100.0, within(1.0));
        assertThat(w.aggregate(T0 + 3, T0 + 303).latencyMillis(0.5).getAsDouble()).as("fresh").isCloseTo(300.0,
                within(3.0));
        // a second later the median would be 300 ms: the reference is reused until the window's refresh second, which comes
        // within six seconds and not later than five seconds after the computation
        long refreshed = 0;
        for (long d = 1; d <= 6 && refreshed == 0; d++) {
            double v = w.quantileMillis(0.5, T0 + d, T0 + 300 + d, 5).getAsDouble();
            if (v != first) {
                refreshed = d;
            }
        }
        assertThat(refreshed).as("recomputed within 6 s").isBetween(1L, 6L);
        assertThat(Math.floorMod(T0 + 300 + refreshed + StaleQuantile.refreshPhase("v1".hashCode()), 6L))
                .as("on its refresh second").isZero();
        // and from then on every six seconds, on the same second of six
        double second = w.quantileMillis(0.5, T0 + refreshed, T0 + 300 + refreshed, 5).getAsDouble();
        for (long d = 1; d <= 5; d++) {
            assertThat(w.quantileMillis(0.5, T0 + refreshed + d, T0 + 300 + refreshed + d, 5).getAsDouble())
                    .as("reused %d s later", d).isEqualTo(second);
        }
        // 100 s later it is recomputed
        assertThat(w.quantileMillis(0.5, T0 + 100, T0 + 400, 5).getAsDouble()).isGreaterThan(first);
        assertThat(w.quantileMillis(0.5, T0 + 1000, T0 + 1300, 5)).isEmpty();
    }

    @Test
    void windowsFirstAskedTogetherRecomputeTheirReferencesOnDifferentSeconds() {
        // as after a scorer restart: 600 services' stable windows (all named "stable"), first asked in the same second
        Histogram fast = latencies(100, 100);
        Histogram slow = latencies(100, 300);
        int[] recomputedOn = new int[6];
        for (int k = 0; k < 600; k++) {
            RevisionWindow w = new ServiceWindows("svc-" + k, "production", 660).revision("stable");
            for (long t = T0; t < T0 + 310; t++) {
                w.addRouter(t, 100, 0, 0, t < T0 + 150 ? fast : slow, 0, 0);
            }
            // the median of [T0, T0 + 300) is at the edge (100 ms); of any later 300 s, 300 ms: a recomputation shows
            double first = w.quantileMillis(0.5, T0, T0 + 300, 5).getAsDouble();
            for (int d = 1; d <= 6; d++) {
                if (w.quantileMillis(0.5, T0 + d, T0 + 300 + d, 5).getAsDouble() != first) {
                    recomputedOn[d - 1]++;
                    break;
                }
            }
        }
        assertThat(IntStream.of(recomputedOn).sum()).as("every window within 6 s").isEqualTo(600);
        // about a sixth of the windows on each second (100 expected; 60–140 is over four standard deviations)
        assertThat(IntStream.of(recomputedOn).boxed().toList()).allSatisfy(n -> assertThat(n).isBetween(60, 140));
    }

    @Test
    void aServiceHoldsABoundedNumberOfRevisions() {
        ServiceWindows s = new ServiceWindows("chat-api", "production", 660);
        for (int i = 0; i < ServiceWindows.MAX_REVISIONS; i++) {
            s.revision("v" + i).addRouter(T0, 1, 0, 0, null, 0, 0);
        }
        assertThatThrownBy(() -> s.revision("one-too-many"))
                .isInstanceOfSatisfying(dev.avalo.health.source.InvalidSampleException.class,
                        e -> assertThat(e.field()).isEqualTo("revision"));
        s.evictIdle(T0 + 661, java.util.Set.of("v0"));
        assertThat(s.revisions()).extracting(RevisionWindow::revision).containsExactly("v0");
        assertThat(s.revision("v-new")).isNotNull();
    }

    @Test
    void baselineIsTheStableJustBeforeTheDeployment() {
        ServiceWindows s = new ServiceWindows("chat-api", "production", 660);
        for (long t = T0; t < T0 + 300; t++) {
            s.revision("v1").addRouter(t, 100, 1, 1, latencies(100, 40), 30, 80);
            s.revision("v1").addCustom(t, "active_users", MetricKind.GAUGE, 500);
        }
        Baseline b = s.captureBaseline("v1", java.time.Instant.ofEpochSecond(T0 + 300), 300);
        assertThat(b.requestsPerSecond()).isEqualTo(100.0);
        assertThat(b.gauge("active_users").getAsDouble()).isEqualTo(500.0);
        assertThat(b.gauge("concurrent_connections").getAsDouble()).isEqualTo(30.0);
        assertThat(b.gauge("latency_p50").getAsDouble()).isCloseTo(40.0, within(0.4));
        assertThat(b.gauge("error_rate").getAsDouble()).isCloseTo(1.0, within(1e-9));
    }
}
