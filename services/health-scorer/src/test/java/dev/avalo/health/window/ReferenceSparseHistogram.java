package dev.avalo.health.window;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The old compacted second of {@link ReferenceWindow}. Test only.
 * <p>
 * A settled second's latency histogram, kept as its non-empty buckets only: a dense HdrHistogram at 2 significant digits is
 * some 14 KB whatever it holds, while a second of a canary's requests touches a few dozen buckets. Values are each bucket's
 * highest equivalent value, so adding them back to a histogram of the same precision restores the same buckets.
 */
final class ReferenceSparseHistogram {

    /** Bucket arithmetic of the scorer's precision (read-only use). */
    private static final Histogram PRECISION = Histograms.create();

    private final long[] values;
    /** {@code above[i]}: the count of values at index i and higher. */
    private final long[] suffix;
    private final long[] counts;

    private ReferenceSparseHistogram(long[] values, long[] counts) {
        this.values = values;
        this.counts = counts;
        this.suffix = new long[values.length + 1];
        for (int i = values.length - 1; i >= 0; i--) {
            suffix[i] = suffix[i + 1] + counts[i];
        }
    }

    static ReferenceSparseHistogram of(Histogram h) {
        int n = 0;
        for (HistogramIterationValue ignored : h.recordedValues()) {
            n++;
        }
        long[] values = new long[n];
        long[] counts = new long[n];
        int i = 0;
        for (HistogramIterationValue v : h.recordedValues()) {
            values[i] = h.highestEquivalentValue(v.getValueIteratedTo());
            counts[i] = v.getCountAtValueIteratedTo();
            i++;
        }
        return new ReferenceSparseHistogram(values, counts);
    }

    long total() {
        return suffix[0];
    }

    /** Values in buckets above the one holding {@code value}: the same as a dense histogram of this precision answers. */
    long countAbove(long value) {
        long bucketTop = PRECISION.highestEquivalentValue(value);
        int lo = 0;
        int hi = values.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (values[mid] <= bucketTop) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return suffix[lo];
    }

    void addTo(Histogram target) {
        for (int i = 0; i < values.length; i++) {
            target.recordValueWithCount(values[i], counts[i]);
        }
    }
}
