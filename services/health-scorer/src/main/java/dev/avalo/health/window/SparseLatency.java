package dev.avalo.health.window;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * One second's latencies as its non-empty buckets at the scorer's precision: a sorted array of pairs {@code [value0, count0,
 * value1, count1, …]}, each value the highest equivalent value of its bucket, so adding them to a histogram of the same
 * precision restores exactly the buckets that merging the routers' histograms would have filled. A dense HdrHistogram at 2
 * significant digits is some 14 KB whatever it holds; a second of a canary's requests touches a few dozen buckets.
 */
final class SparseLatency {

    /** Bucket arithmetic of the scorer's precision (read-only use). */
    private static final Histogram PRECISION = Histograms.create();

    private SparseLatency() {
    }

    /**
     * The buckets of {@code h} at the scorer's precision. Each source bucket is mapped by its lowest value, as
     * {@link Histogram#add} does for histograms of another precision.
     */
    static long[] of(Histogram h) {
        int n = 0;
        long[] pairs = new long[16];
        long lastBucket = Long.MIN_VALUE;
        for (HistogramIterationValue v : h.recordedValues()) {
            long bucket = PRECISION.highestEquivalentValue(h.lowestEquivalentValue(v.getValueIteratedTo()));
            long count = v.getCountAtValueIteratedTo();
            if (bucket == lastBucket) {
                pairs[n - 1] += count;
                continue;
            }
            if (n + 2 > pairs.length) {
                pairs = java.util.Arrays.copyOf(pairs, pairs.length * 2);
            }
            pairs[n++] = bucket;
            pairs[n++] = count;
            lastBucket = bucket;
        }
        return n == pairs.length ? pairs : java.util.Arrays.copyOf(pairs, n);
    }

    /** The union of two bucket arrays, counts of equal buckets summed. */
    static long[] merge(long[] a, long[] b) {
        if (a == null || a.length == 0) {
            return b;
        }
        if (b == null || b.length == 0) {
            return a;
        }
        long[] out = new long[a.length + b.length];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < a.length || j < b.length) {
            if (j >= b.length || (i < a.length && a[i] < b[j])) {
                out[n++] = a[i];
                out[n++] = a[i + 1];
                i += 2;
            } else if (i >= a.length || b[j] < a[i]) {
                out[n++] = b[j];
                out[n++] = b[j + 1];
                j += 2;
            } else {
                out[n++] = a[i];
                out[n++] = a[i + 1] + b[j + 1];
                i += 2;
                j += 2;
            }
        }
        return n == out.length ? out : java.util.Arrays.copyOf(out, n);
    }

    /** Total count. */
    static long total(long[] pairs) {
        long total = 0;
        if (pairs != null) {
            for (int i = 1; i < pairs.length; i += 2) {
                total += pairs[i];
            }
        }
        return total;
    }

    /** Values in buckets above the one holding {@code value}: what a dense histogram of this precision answers. */
    static long countAbove(long[] pairs, long value) {
        if (pairs == null) {
            return 0;
        }
        long bucketTop = PRECISION.highestEquivalentValue(value);
        long above = 0;
        for (int i = pairs.length - 2; i >= 0 && pairs[i] > bucketTop; i -= 2) {
            above += pairs[i + 1];
        }
        return above;
    }

    /** Adds the buckets to {@code target} ({@code sign} −1 removes them again). */
    static void addTo(long[] pairs, Histogram target, int sign) {
        if (pairs == null) {
            return;
        }
        for (int i = 0; i < pairs.length; i += 2) {
            target.recordValueWithCount(pairs[i], sign * pairs[i + 1]);
        }
    }
}
