package dev.avalo.health.stats;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.special.Beta;

/**
 * The Wilson score interval for a binomial proportion. Unlike the normal ("Wald") interval it stays inside [0, 1] and keeps its
 * coverage at the handful of requests a 1 % canary sees, so a few errors in a few requests cannot prove a breach, and a few
 * clean requests cannot prove a pass.
 * <p>
 * With the Brown-Cai-DasGupta (2001) modification for small counts: the plain Wilson lower bound is too high when only 1–3
 * events were seen (1 error in 3 requests would "prove" an error rate above 6 %), so for {@code 1 ≤ k ≤ k*} ({@code k* = 2} for
 * {@code n ≤ 50}, else 3) the lower bound is the Poisson one, {@code χ²(α/2; 2k)/(2n)}, and symmetrically for the upper bound
 * when {@code n − k ≤ k*}.
 * <p>
 * That modification was designed for 95 %. At the 99.8 % the rules use, Wilson's lower bound is too high for many more small
 * counts: 3 errors in 26 requests gave 2.35 % and "proved" an error rate above 2 %, although a true 2 % shows 3 or more errors
 * in 26 requests 1.4 % of the time, not the 0.1 % the bound promises (bench/judgement found healthy 0.3 % canaries at 20 rps
 * rolled back this way), and even at 150 events it still errs by half. So each bound is never less conservative than the exact
 * (Clopper-Pearson) one: for {@code k ≤ 100} the lower bound is at most {@code Beta(α/2; k, n − k + 1)} (cached per (k, n)),
 * above that at most the continuity-corrected Wilson bound (Newcombe 1998, method 4, which tracks the exact one closely there
 * and costs no more than Wilson); symmetrically for the upper bound and {@code n − k}. A breach then needs as much evidence as
 * the exact binomial test asks, at any confidence.
 */
public final class Wilson {

    private final double confidence;
    private final String description;
    private final double z;
    /** {@code χ²(α/2; 2k)} for k = 1..3, the Poisson bounds of the small-count modification. */
    private final double[] poisson = new double[4];

    /** Up to this many events or non-events the bounds are never less conservative than the exact ones. */
    static final int EXACT_UP_TO = 100;
    private static final int CACHE_LIMIT = 1 << 17;
    private final Map<Long, Double> exactLower = new ConcurrentHashMap<>();

    /** An interval builder for two-sided {@code confidence} (e.g. 0.95). */
    public Wilson(double confidence) {
        if (!(confidence > 0.5 && confidence < 1.0)) {
            throw new IllegalArgumentException("confidence must be in (0.5, 1), got " + confidence);
        }
        this.confidence = confidence;
        this.description = description(confidence);
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
        double lower = cheapLower(k, n);
        double upper = cheapUpper(k, n);
        if (Math.min(k, n - k) <= EXACT_UP_TO) {
            if (k >= 1) {
                lower = Math.min(lower, exactLower(k, n));
            }
            if (n - k >= 1) {
                upper = Math.max(upper, 1.0 - exactLower(n - k, n));
            }
        }
        return new Proportion(k, n, p, lower, upper);
    }

    /** Wilson's lower bound with the small-count modification (before the exact bound), for {@code n > 0}. */
    private double cheapLower(long k, long n) {
        double p = (double) k / n;
        double z2 = z * z;
        double denominator = 1.0 + z2 / n;
        double centre = (p + z2 / (2.0 * n)) / denominator;
        double half = z * Math.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denominator;
        double lower = k == 0 ? 0.0 : Math.max(0.0, centre - half);
        long smallCount = n <= 50 ? 2 : 3;
        if (k >= 1 && k <= smallCount) {
            lower = Math.min(lower, poissonLower(k) / (2.0 * n));
        }
        return lower;
    }

    /** Wilson's upper bound with the small-count modification (before the exact bound), for {@code n > 0}. */
    private double cheapUpper(long k, long n) {
        double p = (double) k / n;
        double z2 = z * z;
        double denominator = 1.0 + z2 / n;
        double centre = (p + z2 / (2.0 * n)) / denominator;
        double half = z * Math.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denominator;
        double upper = k == n ? 1.0 : Math.min(1.0, centre + half);
        long smallCount = n <= 50 ? 2 : 3;
        if (n - k >= 1 && n - k <= smallCount) {
            upper = Math.max(upper, 1.0 - poissonLower(n - k) / (2.0 * n));
        }
        return upper;
    }

    /**
     * Whether the lower bound of {@link #interval}{@code (k, n)} is above {@code limit} (at or above it when not
     * {@code strict}), for {@code 0 ≤ k ≤ n}, {@code n > 0}: the same answer, but the exact bound (an inverse Beta, for small
     * counts) is computed only when Wilson's bound alone does not settle it — the bound is the lesser of the two.
     */
    public boolean lowerPast(long k, long n, double limit, boolean strict) {
        double cheap = cheapLower(k, n);
        if (strict ? !(cheap > limit) : !(cheap >= limit)) {
            return false;
        }
        if (Math.min(k, n - k) <= EXACT_UP_TO && k >= 1) {
            int side = exactLowerVersus(k, n, limit);
            if (side != 0) {
                return side > 0;
            }
            double exact = exactLower(k, n);
            return strict ? exact > limit : exact >= limit;
        }
        return true;
    }

    /**
     * Whether the upper bound of {@link #interval}{@code (k, n)} is below {@code limit} (at or below it when not
     * {@code strict}), for {@code 0 ≤ k ≤ n}, {@code n > 0}; like {@link #lowerPast}, the exact bound only when needed (the
     * bound is the greater of the two).
     */
    public boolean upperBefore(long k, long n, double limit, boolean strict) {
        double cheap = cheapUpper(k, n);
        if (strict ? !(cheap < limit) : !(cheap <= limit)) {
            return false;
        }
        if (Math.min(k, n - k) <= EXACT_UP_TO && n - k >= 1) {
            // the upper bound 1 − exactLower(n − k, n) is below limit where exactLower(n − k, n) is above 1 − limit
            int side = exactLowerVersus(n - k, n, 1.0 - limit);
            if (side != 0) {
                return side > 0;
            }
            double exact = 1.0 - exactLower(n - k, n);
            return strict ? exact < limit : exact <= limit;
        }
        return true;
    }

    /**
     * How far from {@code t} a decision by the distribution function stays: far more than the inverse's accuracy
     * ({@link #betaQuantile} finds the bound to about 1e-12).
     */
    private static final double MARGIN = 1e-6;

    /**
     * Where {@link #exactLower}{@code (k, n)} lies against {@code t}, told by the Beta distribution function at {@code t ∓}
     * {@value #MARGIN} (one or two evaluations instead of the inverse's many): 1 when the bound is above {@code t + MARGIN} (so
     * above {@code t}, and its complement below {@code 1 − t}, whatever the inverse's rounding), −1 when it is below
     * {@code t − MARGIN}, 0 when it is closer than that or already kept (the caller then compares the bound itself).
     */
    private int exactLowerVersus(long k, long n, double t) {
        if (exactLower.containsKey(k << 40 | n)) {
            return 0;
        }
        double p = (1.0 - confidence) / 2.0;
        double a = k;
        double b = n - k + 1.0;
        if (t - MARGIN > 0 && cdf(t - MARGIN, a, b) > p) {
            return -1; // the p-quantile is below t − MARGIN
        }
        if (t + MARGIN < 1 && cdf(t + MARGIN, a, b) < p) {
            return 1; // the p-quantile is above t + MARGIN
        }
        return 0;
    }

    /** The Clopper-Pearson lower bound for {@code k ≥ 1} events in {@code n}: {@code Beta(α/2; k, n − k + 1)}. */
    private double exactLower(long k, long n) {
        long key = k << 40 | n;
        Double cached = exactLower.get(key);
        if (cached != null) {
            return cached;
        }
        double bound = betaQuantile((1.0 - confidence) / 2.0, k, n - k + 1.0, cheapLower(k, n));
        if (exactLower.size() >= CACHE_LIMIT) {
            exactLower.clear();
        }
        exactLower.put(key, bound);
        return bound;
    }

    /**
     * The {@code p}-quantile of Beta({@code a}, {@code b}) for {@code a, b ≥ 1}, {@code 0 < p < 1}, to about 1e-12: Newton's
     * method on the regularized incomplete Beta function from {@code guess} (Wilson's bound, close to the exact one), kept
     * inside a bracket that every step narrows and bisected when a step would leave it. Four to six evaluations instead of the
     * twenty to forty of {@code BetaDistribution.inverseCumulativeProbability}'s Brent solver (accurate to 1e-9), which took a
     * fifth of a health tick (bench/health-scorer, JFR).
     */
    static double betaQuantile(double p, double a, double b, double guess) {
        if (b == 1.0) {
            return Math.pow(p, 1.0 / a); // the inverse of x^a
        }
        if (a == 1.0) {
            return -Math.expm1(Math.log1p(-p) / b); // the inverse of 1 − (1 − x)^b
        }
        double logBeta = Beta.logBeta(a, b);
        double lo = 0.0;
        double hi = 1.0;
        double x = guess > 0.0 && guess < 1.0 ? guess : 0.5;
        for (int i = 0; i < 100; i++) {
            double f = cdf(x, a, b) - p;
            if (f == 0.0) {
                return x;
            }
            if (f < 0.0) {
                lo = x;
            } else {
                hi = x;
            }
            double density = Math.exp((a - 1.0) * Math.log(x) + (b - 1.0) * Math.log1p(-x) - logBeta);
            double next = x - f / density;
            if (!(next > lo && next < hi)) {
                next = 0.5 * (lo + hi);
            }
            if (Math.abs(next - x) <= 1e-13 * Math.max(x, 1e-3) || hi - lo <= 1e-15) {
                return next;
            }
            x = next;
        }
        return x;
    }

    /**
     * The regularized incomplete Beta function I_x(a, b), in closed form where one parameter is 1: x^a for b = 1 (no failure
     * among the counts: the commonest quiet check, a healthy canary's zero errors or slow requests) and 1 − (1 − x)^b for a =
     * 1; otherwise commons-math's continued fraction.
     */
    static double cdf(double x, double a, double b) {
        if (b == 1.0) {
            return Math.pow(x, a);
        }
        if (a == 1.0) {
            return -Math.expm1(b * Math.log1p(-x));
        }
        if (Math.min(a, b) <= FINITE_SUM_UP_TO && a == Math.rint(a) && b == Math.rint(b) && x > 0.0 && x < 1.0) {
            return binomialTail(x, (long) a, (long) b);
        }
        return Beta.regularizedBeta(x, a, b);
    }

    /** Up to how many terms {@link #cdf} sums a binomial tail instead of evaluating the continued fraction. */
    static final int FINITE_SUM_UP_TO = 40;

    /** Partial sums are rescaled past this, so that a long tail of growing terms cannot overflow. */
    private static final double RESCALE_AT = 0x1p600;

    /**
     * I_x(a, b) for whole {@code a, b ≥ 2} as a finite sum: with {@code m = a + b − 1} it is the chance that Binomial(m, x) is
     * at least {@code a}: the sum of the upper tail's {@code b} terms, or 1 less the sum of the lower tail's {@code a} terms,
     * whichever is shorter. Each term follows from the one before by a multiplication; only the first needs a logarithm and an
     * exponential (taken in logs, so that {@code x^m} may underflow while the sum does not). The lower tail's complement is
     * accurate to about 1e-16 absolute, not relative: enough for the bounds, which compare it with α/2 (at least 1e-4); at
     * these sizes it is closer than commons-math's continued fraction (which is off by 1e-10 at I_1e-7(2, 4e7)). This is the
     * exact bound of a handful of events among many requests, which every gate and score input of a healthy canary asks for: a
     * few dozen flops instead of commons-math's continued fraction and log-Beta.
     */
    static double binomialTail(double x, long a, long b) {
        long m = a + b - 1;
        boolean upper = b <= a;
        long terms = upper ? b : a;
        // upper: the terms j = m, m − 1, … (ratio of consecutive terms (m − r)/(r + 1) · (1 − x)/x, r = m − j);
        // lower: the terms j = 0, 1, … (ratio (m − j)/(j + 1) · x/(1 − x))
        double logFirst = upper ? m * Math.log(x) : m * Math.log1p(-x);
        double odds = upper ? (1.0 - x) / x : x / (1.0 - x);
        double term = 1.0;
        double sum = 1.0;
        double logScale = 0.0;
        for (long r = 0; r < terms - 1; r++) {
            term *= (double) (m - r) / (r + 1) * odds;
            sum += term;
            if (sum > RESCALE_AT) {
                sum /= RESCALE_AT;
                term /= RESCALE_AT;
                logScale += LOG_RESCALE;
            }
        }
        double tail = Math.exp(logFirst + logScale + Math.log(sum));
        if (!Double.isFinite(tail)) {
            return Beta.regularizedBeta(x, a, b); // a term overflowed (x within some 1e-200 of 0 or 1)
        }
        return upper ? Math.min(1.0, tail) : Math.max(0.0, 1.0 - tail);
    }

    private static final double LOG_RESCALE = Math.log(RESCALE_AT);

    private double poissonLower(long k) {
        return poisson[(int) k];
    }

    /** A short name for reports, e.g. {@code "Wilson 95%"} (built once: every report sentence carries it). */
    public String describe() {
        return description;
    }

    private static String description(double confidence) {
        double percent = Math.round(confidence * 1000) / 10.0;
        return "Wilson " + (percent == Math.rint(percent) ? String.valueOf((long) percent) : String.valueOf(percent))
                + "% (Brown-Cai-DasGupta small-count modification, never past the exact bound)";
    }
}
