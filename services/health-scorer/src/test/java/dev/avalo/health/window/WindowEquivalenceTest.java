package dev.avalo.health.window;

import static dev.avalo.health.Traffic.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SplittableRandom;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * The columnar, incremental {@link RevisionWindow} against the old per-second one ({@link ReferenceWindow}) fed the same random
 * samples: late samples, gaps longer than the ring, several routers per second, histograms of another precision, pushed
 * counters and gauges, running-total resets. Every query must answer the same: counts exactly, latency buckets exactly, pushed
 * figures of ranges exactly (summed in the same order) and of the running total to rounding.
 */
class WindowEquivalenceTest {

    private static final Map<String, MetricKind> PUSHED = Map.of("payment_failures", MetricKind.COUNTER,
            "payment_transactions", MetricKind.COUNTER, "revenue", MetricKind.COUNTER, "cpu_percent", MetricKind.GAUGE,
            "memory_percent", MetricKind.GAUGE, "active_users", MetricKind.GAUGE);
    private static final List<String> NAMES = List.copyOf(new java.util.TreeSet<>(PUSHED.keySet()));
    private static final double[] PERCENTILES = {0, 1, 25, 50, 90, 95, 99, 99.9, 100};

    private final SplittableRandom random = new SplittableRandom(20261128);

    @Test
    void answersExactlyAsTheOldWindow() {
        for (int len : new int[]{60, 97, 660}) {
            RevisionWindow w = new RevisionWindow("v2", len);
            ReferenceWindow ref = new ReferenceWindow("v2", len);
            long now = T0;
            for (int step = 0; step < 2_000; step++) {
                int action = random.nextInt(100);
                if (action < 3) {
                    now += len + random.nextInt(len); // a gap longer than the ring
                } else if (action < 60) {
                    now += random.nextInt(3);
                }
                long t = random.nextInt(10) == 0 ? now - random.nextInt(len + 10) : now - random.nextInt(3);
                if (action < 45) {
                    long requests = random.nextInt(60);
                    long errors = requests == 0 ? 0 : random.nextLong(requests + 1);
                    long s5xx = errors == 0 ? 0 : random.nextLong(errors + 1);
                    Histogram h = random.nextInt(10) == 0 ? null : RandomLatencies.histogram(random, requests);
                    long con = random.nextInt(50);
                    long usr = random.nextInt(80);
                    assertThat(w.addRouter(t, requests, errors, s5xx, h, con, usr))
                            .isEqualTo(ref.addRouter(t, requests, errors, s5xx, h, con, usr));
                } else if (action < 90) {
                    String name = NAMES.get(random.nextInt(NAMES.size()));
                    MetricKind kind = PUSHED.get(name);
                    double value = random.nextInt(3) == 0 ? random.nextInt(100) : random.nextDouble() * 100;
                    if (random.nextInt(50) == 0) {
                        MetricKind other = kind == MetricKind.COUNTER ? MetricKind.GAUGE : MetricKind.COUNTER;
                        boolean refThrew = threw(() -> ref.addCustom(t, name, other, value));
                        boolean threw = threw(() -> w.addCustom(t, name, other, value));
                        assertThat(threw).isEqualTo(refThrew);
                        if (!refThrew) {
                            // the other kind was accepted (a second without that name yet): keep the name's kind apart
                            continue;
                        }
                    } else {
                        boolean[] kept = new boolean[2];
                        boolean refThrew = threw(() -> kept[0] = ref.addCustom(t, name, kind, value));
                        assertThat(threw(() -> kept[1] = w.addCustom(t, name, kind, value))).isEqualTo(refThrew);
                        assertThat(kept[1]).isEqualTo(kept[0]);
                    }
                } else if (action < 92) {
                    long since = now - random.nextInt(2 * len);
                    w.resetCumulative(since);
                    ref.resetCumulative(since);
                }
                if (step % 7 == 0) {
                    compare(w, ref, now, len);
                }
            }
        }
    }

    private static boolean threw(Runnable r) {
        try {
            r.run();
            return false;
        } catch (IllegalArgumentException e) {
            return true;
        }
    }

    private void compare(RevisionWindow w, ReferenceWindow ref, long now, int len) {
        assertThat(w.newestSecond()).isEqualTo(ref.newestSecond());
        assertThat(w.firstRouterSecond()).isEqualTo(ref.firstRouterSecond());
        assertThat(w.cumulativeSince()).isEqualTo(ref.cumulativeSince());
        for (String name : NAMES) {
            assertThat(w.firstSeen(name)).as("firstSeen %s", name).isEqualTo(ref.firstSeen(name));
        }
        for (int q = 0; q < 4; q++) {
            long to = now + 2 - random.nextInt(len + 20);
            long from = to - 1 - random.nextInt(random.nextBoolean() ? len / 4 : len + 30);
            String range = "[" + (from - T0) + ", " + (to - T0) + ") at " + (now - T0);
            sameAggregate(w.aggregate(from, to), ref.aggregate(from, to), true, false, range);
            sameAggregate(w.counts(from, to), ref.counts(from, to), false, false, range);
            for (String name : NAMES) {
                for (MetricKind kind : MetricKind.values()) {
                    int stale = 1 + random.nextInt(60);
                    assertThat(w.series(name, kind, from, to, stale)).as("series %s %s %s", name, kind, range)
                            .containsExactly(ref.series(name, kind, from, to, stale));
                }
                int stale = 1 + random.nextInt(60);
                double limit = random.nextDouble() * 100;
                RevisionWindow.GaugeScan scan = w.gaugeScan(name, from, to, stale, v -> v < limit);
                assertThat(scan).as("gauge scan %s %s", name, range)
                        .isEqualTo(scanOf(ref.series(name, MetricKind.GAUGE, from, to, stale), v -> v < limit));
            }
            List<String> mine = new ArrayList<>();
            List<String> theirs = new ArrayList<>();
            long micros = RandomLatencies.THRESHOLDS[random.nextInt(RandomLatencies.THRESHOLDS.length)];
            long[] sums = new long[2];
            w.forEachSecond(from, to, s -> mine.add(describe(s, micros)));
            ref.forEachSecond(from, to, s -> {
                theirs.add(describe(s, micros));
                sums[0] += s.countAbove(micros);
                sums[1] += s.timed();
            });
            assertThat(mine).as("seconds of %s", range).containsExactlyElementsOf(theirs);
            assertThat(w.sumAbove(micros, from, to)).as("above %d in %s", micros, range).isEqualTo(sums[0]);
            assertThat(w.sumTimed(from, to)).isEqualTo(sums[1]);
            double quantile = random.nextBoolean() ? 0.5 : 0.95;
            int maxStale = random.nextInt(6);
            assertThat(w.quantileMillis(quantile, from, to, maxStale))
                    .isEqualTo(ref.quantileMillis(quantile, from, to, maxStale));
        }
        sameAggregate(w.cumulative(), ref.cumulative(), true, true, "running total");
    }

    private static RevisionWindow.GaugeScan scanOf(double[] values, java.util.function.DoublePredicate holds) {
        int failing = -1;
        double failingValue = Double.NaN;
        int missing = 0;
        double last = Double.NaN;
        for (int i = 0; i < values.length; i++) {
            if (Double.isNaN(values[i])) {
                missing++;
                continue;
            }
            last = values[i];
            if (failing < 0 && !holds.test(values[i])) {
                failing = i;
                failingValue = values[i];
            }
        }
        return new RevisionWindow.GaugeScan(failing, failingValue, missing, last,
                values.length == 0 ? Double.NaN : values[values.length - 1]);
    }

    private static String describe(SecondView s, long micros) {
        StringBuilder b = new StringBuilder().append(s.epochSecond()).append(' ').append(s.hasRouterData()).append(' ')
                .append(s.requests()).append(' ').append(s.errors()).append(' ').append(s.http5xx()).append(' ')
                .append(s.connections()).append(' ').append(s.users()).append(' ').append(s.timed()).append(' ')
                .append(s.countAbove(micros)).append(' ').append(s.count("requests")).append(' ')
                .append(s.count("errors"));
        for (String name : NAMES) {
            b.append(' ').append(name).append('=').append(s.hasCustom(name)).append('/').append(s.count(name));
        }
        return b.toString();
    }

    private static void sameAggregate(Aggregate a, Aggregate r, boolean latency, boolean rounding, String what) {
        assertThat(a.requests()).as("requests %s", what).isEqualTo(r.requests());
        assertThat(a.errors()).as("errors %s", what).isEqualTo(r.errors());
        assertThat(a.http5xx()).as("5xx %s", what).isEqualTo(r.http5xx());
        assertThat(a.routerSeconds()).as("router seconds %s", what).isEqualTo(r.routerSeconds());
        assertThat(a.meanConnections(7)).as("connections %s", what).isEqualTo(r.meanConnections(7));
        assertThat(a.meanUsers(3)).isEqualTo(r.meanUsers(3));
        assertThat(a.requestsPerSecond(5)).isEqualTo(r.requestsPerSecond(5));
        for (String name : NAMES) {
            assertThat(a.hasCustom(name)).as("has %s %s", name, what).isEqualTo(r.hasCustom(name));
            same(a.counterSum(name), r.counterSum(name), rounding, "counter " + name + " " + what);
            same(a.gaugeMean(name), r.gaugeMean(name), rounding, "gauge " + name + " " + what);
            same(a.count(name), r.count(name), rounding, "count " + name + " " + what);
            same(a.gauge(name, 9), r.gauge(name, 9), rounding, "gauge() " + name + " " + what);
        }
        if (latency) {
            Histogram h = a.latency();
            Histogram g = r.latency();
            assertThat(h.getTotalCount()).as("timed %s", what).isEqualTo(g.getTotalCount());
            for (double p : PERCENTILES) {
                assertThat(h.getValueAtPercentile(p)).as("p%s %s", p, what).isEqualTo(g.getValueAtPercentile(p));
            }
            for (long t : RandomLatencies.THRESHOLDS) {
                assertThat(Histograms.countAbove(h, t)).as("above %d %s", t, what).isEqualTo(Histograms.countAbove(g, t));
            }
            for (double q : new double[]{0.5, 0.95, 0.99}) {
                assertThat(a.latencyMillis(q)).isEqualTo(r.latencyMillis(q));
            }
        }
    }

    private static void same(OptionalDouble a, OptionalDouble r, boolean rounding, String what) {
        assertThat(a.isPresent()).as(what).isEqualTo(r.isPresent());
        if (a.isPresent()) {
            if (rounding) {
                assertThat(a.getAsDouble()).as(what).isCloseTo(r.getAsDouble(), within(1e-9 * (1 + Math.abs(r.getAsDouble()))));
            } else {
                assertThat(a.getAsDouble()).as(what).isEqualTo(r.getAsDouble());
            }
        }
    }

    @Test
    void aRangeHistogramFollowsLateSamplesEvictionsAndMoves() {
        RevisionWindow w = new RevisionWindow("v2", 60);
        ReferenceWindow ref = new ReferenceWindow("v2", 60);
        for (long t = T0; t < T0 + 200; t++) {
            Histogram h = RandomLatencies.histogram(random, 20);
            w.addRouter(t, 20, 0, 0, h, 0, 0);
            ref.addRouter(t, 20, 0, 0, h, 0, 0);
            // the same sliding range every second, and a late sample inside it now and then
            sameAggregate(w.aggregate(t - 29, t + 1), ref.aggregate(t - 29, t + 1), true, false, "sliding at " + t);
            if (t % 5 == 0) {
                Histogram late = RandomLatencies.histogram(random, 7);
                w.addRouter(t - 10, 7, 0, 0, late, 0, 0);
                ref.addRouter(t - 10, 7, 0, 0, late, 0, 0);
            }
            sameAggregate(w.aggregate(t - 29, t + 1), ref.aggregate(t - 29, t + 1), true, false, "after late at " + t);
            // a range reaching past the ring's start: its oldest seconds leave as the ring moves on
            sameAggregate(w.aggregate(t - 59, t + 1), ref.aggregate(t - 59, t + 1), true, false, "whole ring at " + t);
        }
    }

    @Test
    void hugeLatenciesAndCountsAreKeptExactly() {
        // beyond what one packed long per bucket holds: a latency of 12 days, 20 million requests in one bucket
        RevisionWindow w = new RevisionWindow("v2", 60);
        ReferenceWindow ref = new ReferenceWindow("v2", 60);
        for (long t = T0; t < T0 + 70; t++) {
            Histogram h = Histograms.create();
            h.recordValueWithCount(40_000, 20_000_000);
            if (t % 3 == 0) {
                h.recordValue(1_000_000_000_000L);
            }
            w.addRouter(t, h.getTotalCount(), 0, 0, h, 0, 0);
            ref.addRouter(t, h.getTotalCount(), 0, 0, h, 0, 0);
            if (t % 2 == 0) { // a second router's sample for the same second
                Histogram other = RandomLatencies.histogram(random, 10);
                w.addRouter(t, 10, 0, 0, other, 0, 0);
                ref.addRouter(t, 10, 0, 0, other, 0, 0);
            }
            sameAggregate(w.aggregate(t - 20, t + 1), ref.aggregate(t - 20, t + 1), true, false, "at " + t);
            assertThat(w.sumAbove(50_000, t - 30, t + 1)).isEqualTo(sum(ref, t - 30, t + 1, 50_000));
        }
        sameAggregate(w.cumulative(), ref.cumulative(), true, true, "running total");
    }

    private static long sum(ReferenceWindow ref, long from, long to, long micros) {
        long[] sum = new long[1];
        ref.forEachSecond(from, to, s -> sum[0] += s.countAbove(micros));
        return sum[0];
    }
}
