package dev.avalo.health.stats;

import java.util.ArrayList;
import java.util.List;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
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
        List<long[]> va = values(a);
        List<long[]> vb = values(b);
        double rankSumA = 0;
        double tieTerm = 0;
        double rank = 0;
        int i = 0;
        int j = 0;
        while (i < va.size() || j < vb.size()) {
            long value;
            if (j >= vb.size() || (i < va.size() && va.get(i)[0] <= vb.get(j)[0])) {
                value = va.get(i)[0];
            } else {
                value = vb.get(j)[0];
            }
            double ca = 0;
            double cb = 0;
            if (i < va.size() && va.get(i)[0] == value) {
                ca = va.get(i)[1];
                i++;
            }
            if (j < vb.size() && vb.get(j)[0] == value) {
                cb = vb.get(j)[1];
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

    private static List<long[]> values(Histogram h) {
        List<long[]> out = new ArrayList<>();
        for (HistogramIterationValue v : h.recordedValues()) {
            out.add(new long[]{h.highestEquivalentValue(v.getValueIteratedTo()), v.getCountAtValueIteratedTo()});
        }
        return out;
    }
}
