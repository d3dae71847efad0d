package dev.avalo.health.window;

import java.util.Arrays;

import org.HdrHistogram.Histogram;

/**
 * One second's latencies as its non-empty buckets at the scorer's precision, sorted by value, each value the highest equivalent
 * value of its bucket, so adding them to a histogram of the same precision restores exactly the buckets that merging the
 * routers' histograms would have filled. A dense HdrHistogram at 2 significant digits is some 14 KB whatever it holds; a second
 * of a canary's requests touches a few dozen buckets.
 * <p>
 * A <em>bucket list</em> is a run of longs inside a larger array, addressed by the index of its header: the header
 * ({@code slot << 32 | wide << 31 | length}) says how many longs follow and how; the slot is the owner's business
 * ({@link LatencyArena}). The longs are packed, one per bucket ({@code value << 24 | count}), when every value is below 2^39 µs
 * (six days) and every count below 2^24; otherwise "wide": {@code value0, count0, value1, count1, …}.
 */
final class SparseLatency {

    /** Bucket arithmetic of the scorer's precision (read-only use). */
    private static final Histogram PRECISION = Histograms.create();

    static final long WIDE = 1L << 31;
    static final long LENGTH_MASK = WIDE - 1;
    private static final int COUNT_BITS = 24;
    private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;
    private static final long MAX_PACKED_VALUE = (1L << (63 - COUNT_BITS)) - 1;

    /**
     * Per thread: the pairs being collected or merged (never kept) and the two bucket lists this class hands out, each valid
     * until the next call of the same method on the same thread.
     */
    private static final class Scratch {
        long[] pairs = new long[256];
        long[] of = new long[129];
        long[] merged = new long[129];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private SparseLatency() {
    }

    /** The longs following the header at {@code at}. */
    static int length(long[] b, int at) {
        return (int) (b[at] & LENGTH_MASK);
    }

    /** The longs of the bucket list at {@code at}, header included. */
    static int span(long[] b, int at) {
        return 1 + length(b, at);
    }

    private static boolean wide(long[] b, int at) {
        return (b[at] & WIDE) != 0;
    }

    /** Buckets in the list at {@code at}. */
    static int size(long[] b, int at) {
        int n = length(b, at);
        return wide(b, at) ? n / 2 : n;
    }

    /** The value of bucket {@code k}. */
    static long value(long[] b, int at, int k) {
        return wide(b, at) ? b[at + 1 + 2 * k] : b[at + 1 + k] >>> COUNT_BITS;
    }

    /** The count of bucket {@code k}. */
    static long count(long[] b, int at, int k) {
        return wide(b, at) ? b[at + 2 + 2 * k] : b[at + 1 + k] & COUNT_MASK;
    }

    /**
     * Packs {@code n} longs of pairs {@code [value, count, …]} into a bucket list at index 0 of {@code target} (grown when
     * short); returns the array written.
     */
    private static long[] pack(long[] pairs, int n, long[] target) {
        boolean fits = true;
        for (int i = 0; i < n && fits; i += 2) {
            fits = pairs[i] >= 0 && pairs[i] <= MAX_PACKED_VALUE && pairs[i + 1] > 0 && pairs[i + 1] <= COUNT_MASK;
        }
        int length = fits ? n / 2 : n;
        long[] out = target.length >= 1 + length ? target : new long[Math.max(1 + length, 2 * target.length)];
        if (!fits) {
            out[0] = WIDE | length;
            System.arraycopy(pairs, 0, out, 1, n);
            return out;
        }
        out[0] = length;
        for (int i = 0; i < n; i += 2) {
            out[1 + i / 2] = pairs[i] << COUNT_BITS | pairs[i + 1];
        }
        return out;
    }

    private static long[] room(Scratch s, int n) {
        if (n > s.pairs.length) {
            s.pairs = Arrays.copyOf(s.pairs, Math.max(n, 2 * s.pairs.length));
        }
        return s.pairs;
    }

    /**
     * The buckets of {@code h} at the scorer's precision, as a bucket list at index 0 of the returned array: this thread's
     * scratch, valid until its next call of {@code of}. Each source bucket is mapped by its lowest value, as
     * {@link Histogram#add} does for histograms of another precision. The source's buckets are read in order from its lowest
     * recorded value until its total count is seen (what iterating its recorded values gives, without an object per step):
     * nothing is allocated once the scratch is large enough.
     */
    static long[] of(Histogram h) {
        Scratch s = SCRATCH.get();
        long total = h.getTotalCount();
        long[] pairs = s.pairs;
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
            pairs = room(s, n + 2);
            pairs[n++] = bucket;
            pairs[n++] = count;
            lastBucket = bucket;
        }
        s.of = pack(pairs, n, s.of);
        return s.of;
    }

    /**
     * The union of the bucket lists at {@code a[atA]} and {@code b[atB]}, counts of equal buckets summed, as a bucket list at
     * index 0 of the returned array: this thread's scratch, valid until its next call of {@code merge} (so a list from
     * {@link #of} may be merged).
     */
    static long[] merge(long[] a, int atA, long[] b, int atB) {
        Scratch s = SCRATCH.get();
        int na = size(a, atA);
        int nb = size(b, atB);
        long[] out = room(s, 2 * (na + nb));
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < na || j < nb) {
            long va = i < na ? value(a, atA, i) : Long.MAX_VALUE;
            long vb = j < nb ? value(b, atB, j) : Long.MAX_VALUE;
            if (j >= nb || (i < na && va < vb)) {
                out[n++] = va;
                out[n++] = count(a, atA, i++);
            } else if (i >= na || vb < va) {
                out[n++] = vb;
                out[n++] = count(b, atB, j++);
            } else {
                out[n++] = va;
                out[n++] = count(a, atA, i++) + count(b, atB, j++);
            }
        }
        s.merged = pack(out, n, s.merged);
        return s.merged;
    }

    /** Total count. */
    static long total(long[] b, int at) {
        long total = 0;
        for (int k = 0, n = size(b, at); k < n; k++) {
            total += count(b, at, k);
        }
        return total;
    }

    /** Values in buckets above the one holding {@code value}: what a dense histogram of this precision answers. */
    static long countAbove(long[] b, int at, long value) {
        long bucketTop = PRECISION.highestEquivalentValue(value);
        long above = 0;
        if (!wide(b, at)) {
            // the packed case, read directly: this is the hot path of the latency-threshold sums
            for (int k = at + length(b, at); k > at; k--) {
                long p = b[k];
                if (p >>> COUNT_BITS <= bucketTop) {
                    break;
                }
                above += p & COUNT_MASK;
            }
            return above;
        }
        for (int k = size(b, at) - 1; k >= 0 && value(b, at, k) > bucketTop; k--) {
            above += count(b, at, k);
        }
        return above;
    }

    /** Adds the buckets to {@code target} ({@code sign} −1 removes them again). */
    static void addTo(long[] b, int at, Histogram target, int sign) {
        for (int k = 0, n = size(b, at); k < n; k++) {
            target.recordValueWithCount(value(b, at, k), sign * count(b, at, k));
        }
    }
}
