package dev.avalo.health.stats;

import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * Compares two proportions ({@code 1} the canary, {@code 2} the stable): the pooled two-proportion z-test (one-sided, "1 is
 * larger"), the difference {@code p1 − p2} with Newcombe's hybrid Wilson interval, and Cohen's h as effect size.
 */
public final class TwoProportions {

    private static final NormalDistribution NORMAL = new NormalDistribution();

    /** Differences are fractions (0–1). */
    public record Result(Proportion first, Proportion second, double difference, double lower, double upper, double z,
            double pGreater, double cohensH) {
    }

    private TwoProportions() {
    }

    public static Result compare(Wilson wilson, long k1, long n1, long k2, long n2) {
        Proportion a = wilson.interval(k1, n1);
        Proportion b = wilson.interval(k2, n2);
        if (n1 == 0 || n2 == 0) {
            return new Result(a, b, Double.NaN, -1.0, 1.0, 0.0, 0.5, Double.NaN);
        }
        double d = a.point() - b.point();
        double lower = d - Math.sqrt(sq(a.point() - a.lower()) + sq(b.upper() - b.point()));
        double upper = d + Math.sqrt(sq(a.upper() - a.point()) + sq(b.point() - b.lower()));
        double pooled = (double) (k1 + k2) / (n1 + n2);
        double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2));
        double z = se == 0 ? 0 : d / se;
        double p = se == 0 ? 0.5 : 1.0 - NORMAL.cumulativeProbability(z);
        double h = 2 * Math.asin(Math.sqrt(a.point())) - 2 * Math.asin(Math.sqrt(b.point()));
        return new Result(a, b, d, lower, upper, z, p, h);
    }

    private static double sq(double v) {
        return v * v;
    }
}
