package dev.avalo.health.stats;

import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * The Wilson score interval for a binomial proportion. Unlike the normal ("Wald") interval it stays inside [0, 1] and keeps its
 * coverage at the handful of requests a 1 % canary sees, so a few errors in a few requests cannot prove a breach, and a few
 * clean requests cannot prove a pass.
 * <p>
 * With the Brown-Cai-DasGupta (2001) modification for small counts: the plain Wilson lower bound is too high when only 1–3
 * events were seen (1 error in 3 requests would "prove" an error rate above 6 %), so for {@code 1 ≤ k ≤ k*} ({@code k* = 2} for
 * {@code n ≤ 50}, else 3) the lower bound is the Poisson one, {@code χ²(α/2; 2k)/(2n)}, and symmetrically for the upper bound
 * when {@code n − k ≤ k*}.
 */
public final class Wilson {

    private final double confidence;
    private final double z;
    /** {@code χ²(α/2; 2k)} for k = 1..3, the Poisson bounds of the small-count modification. */
    private final double[] poisson = new double[4];

    /** An interval builder for two-sided {@code confidence} (e.g. 0.95). */
    public Wilson(double confidence) {
        if (!(confidence > 0.5 && confidence < 1.0)) {
            throw new IllegalArgumentException("confidence must be in (0.5, 1), got " + confidence);
        }
        this.confidence = confidence;
        this.z = new NormalDistribution().inverseCumulativeProbability(1.0 - (1.0 - confidence) / 2.0);
        for (int k = 1; k <= 3; k++) {
            poisson[k] = new ChiSquaredDistribution(2.0 * k).inverseCumulativeProbability((1.0 - confidence) / 2.0);
        }
    }

    /** The 95 % interval builder. */
    public static Wilson ninetyFive() {
        return new Wilson(0.95);
    }

    public double confidence() {
        return confidence;
    }

    /** The normal quantile used ({@code 1.96} at 95 %). */
    public double z() {
        return z;
    }

    /** The interval for {@code k} successes in {@code n} trials. */
    public Proportion interval(long k, long n) {
        if (k < 0 || n < 0 || k > n) {
            throw new IllegalArgumentException("need 0 <= k <= n, got k=" + k + ", n=" + n);
        }
        if (n == 0) {
            return new Proportion(0, 0, Double.NaN, 0.0, 1.0);
        }
        double p = (double) k / n;
        double z2 = z * z;
        double denominator = 1.0 + z2 / n;
        double centre = (p + z2 / (2.0 * n)) / denominator;
        double half = z * Math.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denominator;
        double lower = k == 0 ? 0.0 : Math.max(0.0, centre - half);
        double upper = k == n ? 1.0 : Math.min(1.0, centre + half);
        long smallCount = n <= 50 ? 2 : 3;
        if (k >= 1 && k <= smallCount) {
            lower = Math.min(lower, poissonLower(k) / (2.0 * n));
        }
        if (n - k >= 1 && n - k <= smallCount) {
            upper = Math.max(upper, 1.0 - poissonLower(n - k) / (2.0 * n));
        }
        return new Proportion(k, n, p, lower, upper);
    }

    private double poissonLower(long k) {
        return poisson[(int) k];
    }

    /** A short name for reports, e.g. {@code "Wilson 95%"}. */
    public String describe() {
        double percent = Math.round(confidence * 1000) / 10.0;
        return "Wilson " + (percent == Math.rint(percent) ? String.valueOf((long) percent) : String.valueOf(percent))
                + "% (Brown-Cai-DasGupta small-count modification)";
    }
}
