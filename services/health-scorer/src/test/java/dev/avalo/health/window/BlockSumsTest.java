package dev.avalo.health.window;

import static dev.avalo.health.Traffic.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * The block sums of {@link RevisionWindow} (range sums of rates, pushed counters and gauges, router counters, latency
 * thresholds, the early-stopping gauge reads) against naive sums over the seconds the old per-second window
 * ({@link ReferenceWindow}) holds, fed the same random samples: late samples, gaps longer than the ring, ranges that end behind
 * the newest second (reaching seconds whose slots were not taken over yet), several samples per second, and pushed values that
 * are whole numbers (kept in blocks) or not (the window scans).
 */
class BlockSumsTest {

    private static final Map<String, MetricKind> PUSHED = Map.of("auth_attempts", MetricKind.COUNTER, "auth_failures",
            MetricKind.COUNTER, "payment_failures", MetricKind.COUNTER, "cpu_percent", MetricKind.GAUGE, "active_users",
            MetricKind.GAUGE);
    private static final List<String> NAMES = List.copyOf(new java.util.TreeSet<>(PUSHED.keySet()));
    /** numerator, denominator: the router's and pushed rates, and names that never arrive. */
    private static final String[][] RATES = {{"errors", "requests"}, {"http_5xx", "requests"},
            {"auth_failures", "auth_attempts"}, {"payment_failures", "auth_attempts"}, {"nothing", "requests"},
            {"auth_failures", "nothing"}};

    private final SplittableRandom random = new SplittableRandom(4);

    @Test
    void blockSumsEqualNaiveSumsOverRandomRanges() {
        for (boolean wholeNumbers : new boolean[]{true, false}) {
            for (int len : new int[]{60, 97, 660}) {
                run(len, wholeNumbers);
            }
        }
    }

    private void run(int len, boolean wholeNumbers) {
        RevisionWindow w = new RevisionWindow("v2", len);
        ReferenceWindow ref = new ReferenceWindow("v2", len);
        long now = T0;
        for (int step = 0; step < 3_000; step++) {
            int action = random.nextInt(100);
            if (action < 2) {
                now += len + random.nextInt(len); // a gap longer than the ring
            } else if (action < 60) {
                now += random.nextInt(3);
            }
            long t = random.nextInt(10) == 0 ? now - random.nextInt(len + 10) : now - random.nextInt(3);
            if (action < 45) {
                long requests = random.nextInt(60);
                // now and then more errors than requests: the rate caps them per second
                long errors = random.nextInt(20) == 0 ? random.nextInt(80) : requests == 0 ? 0 : random.nextLong(requests + 1);
                long s5xx = errors == 0 ? 0 : random.nextLong(errors + 1);
                Histogram h = random.nextInt(10) == 0 ? null : RandomLatencies.histogram(random, requests);
                long con = random.nextInt(50);
                long usr = random.nextInt(80);
                assertThat(w.addRouter(t, requests, errors, s5xx, h, con, usr))
                        .isEqualTo(ref.addRouter(t, requests, errors, s5xx, h, con, usr));
            } else {
                String name = NAMES.get(random.nextInt(NAMES.size()));
                double value = wholeNumbers || random.nextInt(200) != 0 ? random.nextInt(100) : random.nextDouble() * 100;
                assertThat(w.addCustom(t, name, PUSHED.get(name), value))
                        .isEqualTo(ref.addCustom(t, name, PUSHED.get(name), value));
            }
            if (step % 5 == 0) {
                compare(w, ref, now, len, wholeNumbers);
            }
        }
    }

    private void compare(RevisionWindow w, ReferenceWindow ref, long now, int len, boolean wholeNumbers) {
        for (int q = 0; q < 4; q++) {
            long to = now + 2 - random.nextInt(random.nextBoolean() ? 6 : len + 20);
            long from = to - 1 - random.nextInt(random.nextBoolean() ? len / 4 : len + 30);
            String range = "[" + (from - T0) + ", " + (to - T0) + ") at " + (now - T0);
            for (String[] rate : RATES) {
                for (boolean complement : new boolean[]{false, true}) {
                    long[] naive = new long[2];
                    ref.forEachSecond(from, to, s -> {
                        long n = (long) s.count(rate[1]);
                        long k = Math.min(n, (long) s.count(rate[0]));
                        naive[0] += complement ? n - k : k;
                        naive[1] += n;
                    });
                    assertThat(w.sumRate(rate[0], rate[1], complement, from, to)).as("rate %s/%s %s %s", rate[0], rate[1],
                            complement, range).containsExactly(naive);
                }
            }
            for (String name : NAMES) {
                double[] sum = new double[1];
                long[] present = new long[1];
                ref.forEachSecond(from, to, s -> {
                    if (s.hasCustom(name)) {
                        sum[0] += s.count(name);
                        present[0]++;
                    }
                });
                long[] quick = w.sumCustom(name, from, to);
                if (quick != null) {
                    assertThat((double) quick[0]).as("sum of %s %s", name, range).isEqualTo(sum[0]);
                    assertThat(quick[1]).as("seconds of %s %s", name, range).isEqualTo(present[0]);
                } else {
                    assertThat(wholeNumbers).as("only a value that is not a whole number makes the window scan").isFalse();
                }
                int stale = 1 + random.nextInt(60);
                double limit = random.nextInt(100);
                double[] series = ref.series(name, MetricKind.GAUGE, from, to, stale);
                RevisionWindow.GaugeScan full = w.gaugeScan(name, from, to, stale, v -> v < limit);
                RevisionWindow.GaugeScan quickScan = w.gaugeFirstFailing(name, from, to, stale, v -> v < limit);
                if (full.firstFailing() < 0) {
                    assertThat(quickScan).as("no failing %s %s", name, range).isNull();
                } else {
                    assertThat(quickScan).as("first failing %s %s", name, range).isNotNull();
                    assertThat(quickScan.firstFailing()).isEqualTo(full.firstFailing());
                    assertThat(Double.valueOf(quickScan.firstFailingValue()))
                            .isEqualTo(Double.valueOf(full.firstFailingValue()));
                    assertThat(Double.valueOf(quickScan.lastValue())).isEqualTo(Double.valueOf(full.lastValue()));
                }
                double lastValue = series.length == 0 ? Double.NaN : series[series.length - 1];
                // boxed: NaN (no fresh value) equals NaN
                assertThat(Double.valueOf(w.gaugeLast(name, from, to, stale))).as("last %s %s", name, range)
                        .isEqualTo(Double.valueOf(lastValue));
                assertThat(Double.valueOf(full.lastValue())).isEqualTo(Double.valueOf(lastValue));
                // the stage gates' latest value: the last fresh one of the series of the last stale seconds
                double[] recent = ref.series(name, MetricKind.GAUGE, to - stale, to, stale);
                double latest = Double.NaN;
                for (int k = recent.length - 1; k >= 0 && Double.isNaN(latest); k--) {
                    latest = recent[k];
                }
                assertThat(Double.valueOf(w.latestValue(name, to - 2L * stale, to))).as("latest %s %s", name, range)
                        .isEqualTo(Double.valueOf(latest));
            }
            long[] router = new long[4];
            ref.forEachSecond(from, to, s -> {
                if (s.hasRouterData()) {
                    router[0] += s.requests();
                    router[1] += s.errors();
                    router[2] += s.http5xx();
                    router[3]++;
                }
            });
            assertThat(w.sumRouterCounter(RevisionWindow.REQUESTS, from, to)).containsExactly(router[0], router[3]);
            assertThat(w.sumRouterCounter(RevisionWindow.ERRORS, from, to)).containsExactly(router[1], router[3]);
            assertThat(w.sumRouterCounter(RevisionWindow.HTTP_5XX, from, to)).containsExactly(router[2], router[3]);
            long micros = RandomLatencies.THRESHOLDS[random.nextInt(RandomLatencies.THRESHOLDS.length)];
            long[] above = new long[2];
            ref.forEachSecond(from, to, s -> {
                above[0] += s.countAbove(micros);
                above[1] += s.timed();
            });
            assertThat(w.sumAbove(micros, from, to)).as("above %d %s", micros, range).isEqualTo(above[0]);
            assertThat(w.sumTimed(from, to)).as("timed %s", range).isEqualTo(above[1]);
        }
    }
}
