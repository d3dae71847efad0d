package dev.avalo.health.window;

import java.util.SplittableRandom;

import org.HdrHistogram.Histogram;

/** Random router latency histograms and rule thresholds shared by the window equivalence tests. */
final class RandomLatencies {

    /** Latency thresholds (µs) the tests count "slower than" at, as the default rules do. */
    static final long[] THRESHOLDS = {1_000, 50_000, 120_000, 1_200_000, 3_000_000};

    private RandomLatencies() {
    }

    /**
     * {@code count} log-normal latencies around a random median of 1–201 ms; mostly at the scorer's precision, sometimes at a
     * router's finer one.
     */
    static Histogram histogram(SplittableRandom random, long count) {
        Histogram h = random.nextInt(4) == 0 ? new Histogram(3) : Histograms.create();
        h.setAutoResize(true);
        double median = 1_000 + random.nextInt(200_000);
        for (long i = 0; i < count; i++) {
            h.recordValue(Math.max(1, (long) (median * Math.exp(random.nextGaussian() * 0.8))));
        }
        return h;
    }
}
