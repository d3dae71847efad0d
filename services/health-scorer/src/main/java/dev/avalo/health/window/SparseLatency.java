package dev.avalo.health.window;

import org.HdrHistogram.Histogram;

/**
 * One second's latencies as its non-empty buckets at the scorer's precision, sorted by value, each value the highest equivalent
 * value of its bucket, so adding them to a histogram of the same precision restores exactly the buckets that merging the
 * routers' histograms would have filled. A dense HdrHistogram at 2 significant digits is some 14 KB whatever it holds; a second
 * of a canary's requests touches a few dozen buckets.
 * <p>
 * Stored packed, one {@code long} per bucket ({@code value << 24 | count}), when every value is below 2^39 µs (six days) and
 * every count below 2^24; otherwise "wide": {@code [-1, value0, count0, value1, count1, …]}.
 */
final class SparseLatency {

    /** Bucket arithmetic of the scorer's precision (read-only use). */
    private static final Histogram PRECISION = Histograms.create();

    private static final long WIDE = -1L;
    private static final int COUNT_BITS = 24;
    private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;
    private static final long MAX_PACKED_VALUE = (1L << (63 - COUNT_BITS)) - 1;

    private SparseLatency() {
    }

    private static boolean wide(long[] p) {
        return p.length > 0 && p[0] == WIDE;
    }

    /** Buckets in {@code p}. */
    static int size(long[] p) {
        return wide(p) ? (p.length - 1) / 2 : p.length;
    }

    /** The value of bucket {@code k}. */
    static long value(long[] p, int k) {
        return wide(p) ? p[1 + 2 * k] : p[k] >>> COUNT_BITS;
    }

    /** The count of bucket {@code k}. */
    static long count(long[] p, int k) {
        return wide(p) ? p[2 + 2 * k] : p[k] & COUNT_MASK;
    }

    /** Packs {@code n} longs of pairs {@code [value, count, …]}. */
    private static long[] pack(long[] pairs, int n) {
        boolean fits = true;
        for (int i = 0; i < n && fits; i += 2) {
            fits = pairs[i] >= 0 && pairs[i] <= MAX_PACKED_VALUE && pairs[i + 1] > 0 && pairs[i + 1] <= COUNT_MASK;
        }
        if (!fits) {
            long[] w = new long[n + 1];
            w[0] = WIDE;
            System.arraycopy(pairs, 0, w, 1, n);
            return w;
        }
        long[] p = new long[n / 2];
        for (int i = 0; i < n; i += 2) {
            p[i / 2] = pairs[i] << COUNT_BITS | pairs[i + 1];
        }
        return p;
    }

    /** Per thread: the pairs being collected by {@link #of} (only the packed result is kept). */
    private static final ThreadLocal<long[]> SCRATCH = ThreadLocal.withInitial(() -> new long[256]);

    /**
     * The buckets of {@code h} at the scorer's precision. Each source bucket is mapped by its lowest value, as
     * {@link Histogram#add} does for histograms of another precision. The source's buckets are read in order from its lowest
     * recorded value until its total count is seen (what iterating its recorded values gives, without an object per step), into
     * a per-thread buffer, so that the only allocation is the packed result.
     */
    static long[] of(Histogram h) {
        long total = h.getTotalCount();
        long[] pairs = SCRATCH.get();
        int n = 0;
        long lastBucket = Long.MIN_VALUE;
        long lowest = h.getMinNonZeroValue() == Long.MAX_VALUE ? 0 : h.lowestEquivalentValue(h.getMinNonZeroValue());
        long max = h.getMaxValue();
        long seen = 0;
        for (long v = 0; seen < total && v <= max; v = Math.max(h.nextNonEquivalentValue(v), lowest)) {
            long count = h.getCountAtValue(v);
            if (count == 0) {
                continue;
            }
            seen += count;
            long bucket = PRECISION.highestEquivalentValue(h.lowestEquivalentValue(v));
            if (bucket == lastBucket) {
                pairs[n - 1] += count;
                continue;
            }
            if (n + 2 > pairs.length) {
                pairs = java.util.Arrays.copyOf(pairs, pairs.length * 2);
                SCRATCH.set(pairs);
            }
            pairs[n++] = bucket;
            pairs[n++] = count;
            lastBucket = bucket;
        }
        return pack(pairs, n);
    }

    /** The union of two bucket arrays, counts of equal buckets summed. */
    static long[] merge(long[] a, long[] b) {
        if (a == null || a.length == 0) {
            return b;
        }
        if (b == null || b.length == 0) {
            return a;
        }
        int na = size(a);
        int nb = size(b);
        long[] out = new long[2 * (na + nb)];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < na || j < nb) {
            long va = i < na ? value(a, i) : Long.MAX_VALUE;
            long vb = j < nb ? value(b, j) : Long.MAX_VALUE;
            if (j >= nb || (i < na && va < vb)) {
                out[n++] = va;
                out[n++] = count(a, i++);
            } else if (i >= na || vb < va) {
                out[n++] = vb;
                out[n++] = count(b, j++);
            } else {
                out[n++] = va;
                out[n++] = count(a, i++) + count(b, j++);
            }
        }
        return pack(out, n);
    }

    /** Total count. */
    static long total(long[] p) {
        long total = 0;
        if (p != null) {
            for (int k = 0, n = size(p); k < n; k++) {
                total += count(p, k);
            }
        }
        return total;
    }

    /** Values in buckets above the one holding {@code value}: what a dense histogram of this precision answers. */
    static long countAbove(long[] p, long value) {
        if (p == null) {
            return 0;
        }
        long bucketTop = PRECISION.highestEquivalentValue(value);
        long above = 0;
        for (int k = size(p) - 1; k >= 0 && value(p, k) > bucketTop; k--) {
            above += count(p, k);
        }
        return above;
    }

    /** Adds the buckets to {@code target} ({@code sign} −1 removes them again). */
    static void addTo(long[] p, Histogram target, int sign) {
        if (p == null) {
            return;
        }
        for (int k = 0, n = size(p); k < n; k++) {
            target.recordValueWithCount(value(p, k), sign * count(p, k));
        }
    }
}
