package dev.avalo.health.stats;

import org.HdrHistogram.Histogram;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * The Mann-Whitney U test computed straight from two HdrHistograms (values within one bucket are ties), with the normal
 * approximation and tie correction. {@code a} is the canary, {@code b} the stable; the effect size is the probability of
 * superiority {@code A = P(a > b) + ½·P(a = b)} (Vargha-Delaney A; rank-biserial {@code r = 2A − 1}).
 */
public final class MannWhitney {

    private static final NormalDistribution NORMAL = new NormalDistribution();

    /**
     * The result: U of {@code a}, z, the one-sided p-value for "a tends to be larger", A with its normal-approximation interval
     * at the given z.
     */
    public record Result(long nA, long nB, double u, double z, double pGreater, double a, double aLower, double aUpper) {

        /** Rank-biserial correlation, −1..1; positive means {@code a} tends to be larger. */
        public double rankBiserial() {
            return 2.0 * a - 1.0;
        }
    }

    private MannWhitney() {
    }

    /** Compares {@code a} with {@code b}; null when either is empty. {@code z} sets the width of A's interval. */
    public static Result compare(Histogram a, Histogram b, double z) {
        long n1 = a.getTotalCount();
        long n2 = b.getTotalCount();
        if (n1 == 0 || n2 == 0) {
            return null;
        }
        long[][] buffers = BUFFERS.get();
        long[] va = buffers[0] = values(a, buffers[0]);
        long[] vb = buffers[1] = values(b, buffers[1]);
        int sa = (int) va[0];
        int sb = (int) vb[0];
        double rankSumA = 0;
        double tieTerm = 0;
        double rank = 0;
        int i = 0;
        int j = 0;
        while (i < sa || j < sb) {
            long value;
            if (j >= sb || (i < sa && va[1 + 2 * i] <= vb[1 + 2 * j])) {
                value = va[1 + 2 * i];
            } else {
                value = vb[1 + 2 * j];
            }
            double ca = 0;
            double cb = 0;
            if (i < sa && va[1 + 2 * i] == value) {
                ca = va[2 + 2 * i];
                i++;
            }
            if (j < sb && vb[1 + 2 * j] == value) {
                cb = vb[2 + 2 * j];
                j++;
            }
            double t = ca + cb;
            double midrank = rank + (t + 1.0) / 2.0;
            rankSumA += ca * midrank;
            tieTerm += t * t * t - t;
            rank += t;
        }
        double nA = n1;
        double nB = n2;
        double n = nA + nB;
        double u = rankSumA - nA * (nA + 1.0) / 2.0;
        double mean = nA * nB / 2.0;
        double variance = nA * nB / 12.0 * ((n + 1.0) - tieTerm / (n * (n - 1.0)));
        double zScore;
        double p;
        if (variance <= 0) {
            zScore = 0;
            p = 0.5;
        } else {
            double diff = u - mean;
            double corrected = diff > 0 ? Math.max(0, diff - 0.5) : Math.min(0, diff + 0.5);
            zScore = corrected / Math.sqrt(variance);
            p = 1.0 - NORMAL.cumulativeProbability(zScore);
        }
        double effect = u / (nA * nB);
        double se = variance <= 0 ? 0 : Math.sqrt(variance) / (nA * nB);
        return new Result(n1, n2, u, zScore, p, effect, Math.max(0, effect - z * se), Math.min(1, effect + z * se));
    }

    /**
     * The recorded values of {@code h} in order, as {@code [pairs, value0, count0, value1, count1, …]} with each value the
     * highest equivalent value of its bucket: what iterating {@link Histogram#recordedValues()} gives, read bucket by bucket
     * from the lowest recorded value up to the total count (the iterator walks every bucket from zero and builds an object per
     * step).
     */
    static long[] values(Histogram h) {
        return values(h, new long[33]);
    }

    /** Per thread: the buffers {@link #compare} reads the two histograms into. */
    private static final ThreadLocal<long[][]> BUFFERS = ThreadLocal.withInitial(() -> new long[][]{new long[4097],
            new long[4097]});

    /** {@link #values(Histogram)} into {@code out}, or into a larger copy when it is too small (returned either way). */
    static long[] values(Histogram h, long[] out) {
        long total = h.getTotalCount();
        long max = h.getMaxValue();
        long lowest = h.getMinNonZeroValue() == Long.MAX_VALUE ? 0 : h.lowestEquivalentValue(h.getMinNonZeroValue());
        int n = 0;
        long seen = 0;
        long v = 0;
        while (seen < total && v <= max) {
            long c = h.getCountAtValue(v);
            if (c != 0) {
                if (2 * n + 3 > out.length) {
                    out = java.util.Arrays.copyOf(out, out.length * 2 + 1);
                }
                out[1 + 2 * n] = h.highestEquivalentValue(v);
                out[2 + 2 * n] = c;
                n++;
                seen += c;
            }
            // nothing but zero lies below the lowest non-zero value
            v = Math.max(h.nextNonEquivalentValue(v), lowest);
        }
        out[0] = n;
        return out;
    }
}
