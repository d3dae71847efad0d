package dev.avalo.health.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.apache.commons.math3.distribution.BinomialDistribution;
import org.junit.jupiter.api.Test;

class WilsonTest {

    @Test
    void closedFormsOfTheBetaFunctionAgreeWithTheContinuedFraction() {
        // I_x(a, 1) = x^a and I_x(1, b) = 1 − (1 − x)^b: what every zero-error quiet check asks
        for (double a : new double[]{1, 2, 9, 57, 400, 12_000}) {
            for (double x : new double[]{1e-9, 1e-4, 0.02, 0.5, 0.97, 0.999999}) {
                assertThat(Wilson.cdf(x, a, 1.0)).as("I_%s(%s, 1)", x, a)
                        .isCloseTo(org.apache.commons.math3.special.Beta.regularizedBeta(x, a, 1.0), within(1e-12));
                assertThat(Wilson.cdf(x, 1.0, a)).as("I_%s(1, %s)", x, a)
                        .isCloseTo(org.apache.commons.math3.special.Beta.regularizedBeta(x, 1.0, a), within(1e-12));
            }
            for (double p : new double[]{0.001, 0.025, 0.5, 0.975}) {
                var beta = new org.apache.commons.math3.distribution.BetaDistribution(null, a, 1.0, 1e-14);
                assertThat(Wilson.betaQuantile(p, a, 1.0, 0.5)).isCloseTo(beta.inverseCumulativeProbability(p), within(1e-9));
                var beta1 = new org.apache.commons.math3.distribution.BetaDistribution(null, 1.0, a, 1e-14);
                assertThat(Wilson.betaQuantile(p, 1.0, a, 0.5)).isCloseTo(beta1.inverseCumulativeProbability(p), within(1e-9));
            }
        }
        // both at once (a = b = 1, the uniform distribution)
        assertThat(Wilson.cdf(0.3, 1.0, 1.0)).isCloseTo(0.3, within(1e-15));
        assertThat(Wilson.betaQuantile(0.3, 1.0, 1.0, 0.5)).isCloseTo(0.3, within(1e-15));
    }

    @Test
    void theBinomialTailAgreesWithTheContinuedFraction() {
        // I_x(a, b) for whole a, b as a finite sum: the exact bounds of a few events among many requests, and of a few
        // successes among many (both tails), up to where the continued fraction takes over
        long[] small = {2, 3, 5, 17, Wilson.FINITE_SUM_UP_TO};
        long[] any = {2, 3, 8, 40, 41, 1_000, 250_000, 40_000_000};
        double[] xs = {1e-12, 1e-7, 1e-4, 0.003, 0.02, 0.2, 0.5, 0.8, 0.97, 0.9999, 1 - 1e-9};
        int summed = 0;
        for (long a : small) {
            for (long b : any) {
                for (double x : xs) {
                    for (long[] ab : new long[][]{{a, b}, {b, a}}) {
                        double actual = Wilson.cdf(x, ab[0], ab[1]);
                        // commons-math's continued fraction is good to about 1e-10 at these sizes
                        assertThat(actual).as("I_%s(%s, %s)", x, ab[0], ab[1]).isCloseTo(
                                org.apache.commons.math3.special.Beta.regularizedBeta(x, ab[0], ab[1], 1e-15, 100_000),
                                within(1e-9));
                        // the binomial sum in 40-digit decimals, each term on its own
                        assertThat(actual).as("exact I_%s(%s, %s)", x, ab[0], ab[1])
                                .isCloseTo(exactTail(x, ab[0], ab[1]), within(1e-14));
                        summed++;
                    }
                }
            }
        }
        assertThat(summed).isEqualTo(small.length * any.length * xs.length * 2);
        // at the ends of (0, 1), where a term of the sum would overflow, the continued fraction answers
        for (double x : new double[]{1e-300, 1 - 1e-16}) {
            for (long[] ab : new long[][]{{40, 40}, {2, 40_000_000}, {40_000_000, 2}}) {
                assertThat(Wilson.cdf(x, ab[0], ab[1])).as("I_%s(%s, %s)", x, ab[0], ab[1]).isCloseTo(
                        org.apache.commons.math3.special.Beta.regularizedBeta(x, ab[0], ab[1]), within(1e-12));
            }
        }
        // and the inverse the exact bound solves for, against commons-math's solver
        for (long[] ab : new long[][]{{2, 999}, {5, 19_996}, {17, 40}, {40, 3}, {999, 2}, {19_996, 5}, {39, 1_000_000}}) {
            for (double p : new double[]{0.001, 0.025, 0.975, 0.999}) {
                var beta = new org.apache.commons.math3.distribution.BetaDistribution(null, ab[0], ab[1], 1e-15);
                double expected = beta.inverseCumulativeProbability(p);
                assertThat(Wilson.betaQuantile(p, ab[0], ab[1], 0.5)).as("Beta(%s, %s) %s-quantile", ab[0], ab[1], p)
                        .isCloseTo(expected, within(Math.min(1e-9, expected * 1e-7)));
            }
        }
    }

    /** I_x(a, b) = P(Binomial(a + b − 1, x) ≥ a) in decimals, summing the shorter tail term by term. */
    private static double exactTail(double x, long a, long b) {
        java.math.MathContext mc = new java.math.MathContext(40);
        java.math.BigDecimal p = new java.math.BigDecimal(x);
        java.math.BigDecimal q = java.math.BigDecimal.ONE.subtract(p);
        long m = a + b - 1;
        boolean upper = b <= a;
        java.math.BigDecimal sum = java.math.BigDecimal.ZERO;
        java.math.BigDecimal binomial = java.math.BigDecimal.ONE; // C(m, j)
        for (long j = 0; j < (upper ? b : a); j++) {
            if (j > 0) {
                binomial = binomial.multiply(java.math.BigDecimal.valueOf(m - j + 1)).divide(java.math.BigDecimal.valueOf(j),
                        mc);
            }
            // upper: j failures, x^(m−j) (1−x)^j; lower: j successes, x^j (1−x)^(m−j)
            java.math.BigDecimal term = upper
                    ? binomial.multiply(p.pow((int) (m - j), mc), mc).multiply(q.pow((int) j, mc), mc)
                    : binomial.multiply(p.pow((int) j, mc), mc).multiply(q.pow((int) (m - j), mc), mc);
            sum = sum.add(term, mc);
        }
        return (upper ? sum : java.math.BigDecimal.ONE.subtract(sum, mc)).doubleValue();
    }

    private final Wilson wilson = Wilson.ninetyFive();

    @Test
    void matchesPublishedWilsonIntervals() {
        // 95 % Wilson intervals (z = 1.959964), widened to the exact (Clopper-Pearson) ones where those are wider
        Proportion half = wilson.interval(50, 100);
        assertThat(half.lower()).as("Clopper-Pearson, Wilson would say 0.4038").isCloseTo(0.3983, within(1e-4));
        assertThat(half.upper()).isCloseTo(0.6017, within(1e-4));

        Proportion none = wilson.interval(0, 10);
        assertThat(none.lower()).isZero();
        assertThat(none.upper()).as("the exact bound 1 − 0.025^(1/10)").isCloseTo(0.3085, within(1e-4));

        Proportion one = wilson.interval(1, 10);
        // plain Wilson would say 0.0179; the small-count modification uses the Poisson bound χ²(0.025; 2)/20
        assertThat(one.lower()).isCloseTo(0.00253, within(1e-5));
        assertThat(one.upper()).as("the exact bound, Wilson would say 0.4042").isCloseTo(0.4450, within(1e-4));
        Proportion nineOfTen = wilson.interval(9, 10);
        assertThat(nineOfTen.upper()).isCloseTo(1 - 0.00253, within(1e-5));
        assertThat(wilson.interval(0, 200).upper()).as("Wilson 3.84/203.84, wider than the exact 0.0183")
                .isCloseTo(0.01884, within(1e-5));
        Proportion five = wilson.interval(5, 100);
        // plain Wilson would say 0.0215; the exact (Clopper-Pearson) lower bound Beta(0.025; 5, 96) is lower
        assertThat(five.lower()).isCloseTo(0.01643, within(1e-4));
        Proportion many = wilson.interval(500, 1000);
        assertThat(many.lower()).as("plain Wilson above 100 events and non-events").isCloseTo(0.4691, within(1e-4));

        assertThat(wilson.z()).isCloseTo(1.959964, within(1e-6));
    }

    @Test
    void aHandfulOfRequestsProvesNothingAgainstTwoPercent() {
        Proportion oneErrorInThree = wilson.interval(1, 3);
        assertThat(oneErrorInThree.point()).isGreaterThan(0.02);
        assertThat(oneErrorInThree.surelyAbove(0.02)).isFalse();
        assertThat(wilson.interval(0, 20).surelyBelow(0.02)).isFalse();
        assertThat(wilson.interval(0, 200).surelyBelow(0.02)).isTrue();
    }

    /**
     * The breach test "lower bound past p0" must keep its size: when the true rate is exactly p0, the smallest count that
     * breaches must occur with at most the one-sided error the confidence promises, for every sample size. Plain Wilson (even
     * with the Brown-Cai-DasGupta modification) fails this at 99.8 %: 3 errors in 26 requests "proved" more than 2 % (size 1.4
     * %), 4 in 60 "proved" more than 1 % (size 0.34 %), and every rule is looked at every second.
     */
    @Test
    void theBreachTestKeepsItsSizeAtSmallCounts() {
        for (double confidence : new double[]{0.998, 0.95}) {
            Wilson w = new Wilson(confidence);
            double alpha = (1 - confidence) / 2;
            for (double p0 : new double[]{0.01, 0.02, 0.05, 0.10, 0.5}) {
                for (int n = 1; n <= 600; n++) {
                    assertSize(w, p0, n, alpha);
                }
                for (int n : new int[]{1000, 2000, 3600, 6000, 12000}) {
                    assertSize(w, p0, n, alpha);
                }
            }
        }
        assertThat(new Wilson(0.998).interval(3, 26).surelyAbove(0.02)).isFalse();
        assertThat(new Wilson(0.998).interval(4, 60).surelyAbove(0.01)).isFalse();
        assertThat(new Wilson(0.998).interval(12, 60).surelyAbove(0.02)).as("real evidence still breaches").isTrue();
    }

    private static void assertSize(Wilson w, double p0, int n, double alpha) {
        int k = 0;
        while (k <= n && !w.interval(k, n).surelyAbove(p0)) {
            k++;
        }
        if (k > n) {
            return; // nothing this small can prove the rate is above p0
        }
        double size = 1 - new BinomialDistribution(null, n, p0).cumulativeProbability(k - 1);
        // exact while the counts are small; above 100 events and non-events plain Wilson, whose skew stays within 1.6×
        double allowed = Math.min(k, n - k) <= Wilson.EXACT_UP_TO ? alpha * 1.0001 : alpha * 1.6;
        assertThat(size).as("P(X >= %d | n=%d, p=%s) at %s", k, n, p0, w.describe()).isLessThanOrEqualTo(allowed);
    }

    @Test
    void withoutSamplesTheIntervalIsEverything() {
        Proportion p = wilson.interval(0, 0);
        assertThat(p.lower()).isZero();
        assertThat(p.upper()).isEqualTo(1.0);
        assertThat(p.surelyAbove(0.0)).isFalse();
        assertThat(p.surelyBelow(1.0)).isFalse();
    }

    @Test
    void refusesImpossibleCounts() {
        assertThatThrownBy(() -> wilson.interval(3, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Wilson(1.2)).isInstanceOf(IllegalArgumentException.class);
        assertThat(wilson.describe()).startsWith("Wilson 95% ");
    }

    @Test
    void comparisonsWithoutTheIntervalAnswerAsTheInterval() {
        java.util.Random random = new java.util.Random(5);
        for (double confidence : new double[]{0.95, 0.998}) {
            for (int round = 0; round < 3000; round++) {
                // a fresh builder each time: the comparison must not lean on bounds kept by interval()
                Wilson quick = new Wilson(confidence);
                Wilson full = new Wilson(confidence);
                long n = 1 + random.nextInt(random.nextBoolean() ? 60 : 5000);
                long k = random.nextInt(4) == 0
                        ? n - random.nextInt((int) Math.min(n, 120) + 1)
                        : random.nextInt((int) Math.min(n, 150) + 1);
                Proportion p = full.interval(k, n);
                double[] limits = {random.nextDouble(), p.lower(), p.upper(), Math.nextUp(p.lower()),
                        Math.nextDown(p.upper()), p.lower() + 1e-7, p.upper() - 1e-7, p.lower() - 1e-10,
                        p.upper() + 1e-10, 0.02, 0.05, 0.5};
                for (double limit : limits) {
                    for (boolean strict : new boolean[]{true, false}) {
                        String what = k + " of " + n + " at " + confidence + " against " + limit + (strict ? " strict" : "");
                        assertThat(quick.lowerPast(k, n, limit, strict)).as("lower " + what)
                                .isEqualTo(strict ? p.lower() > limit : p.lower() >= limit);
                        assertThat(quick.upperBefore(k, n, limit, strict)).as("upper " + what)
                                .isEqualTo(strict ? p.upper() < limit : p.upper() <= limit);
                    }
                }
            }
        }
    }

    @Test
    void theExactBoundsNewtonInverseAgreesWithCommonsMathsSolver() {
        java.util.Random random = new java.util.Random(5);
        for (int round = 0; round < 3000; round++) {
            long n = 1
                    + (round % 3 == 0 ? random.nextInt(60) : round % 3 == 1 ? random.nextInt(5000) : random.nextInt(2_000_000));
            long k = 1 + (long) random.nextInt((int) Math.min(n, 101));
            double p = switch (round % 4) {
                case 0 -> 0.025;
                case 1 -> 0.001;
                case 2 -> 0.05;
                default -> 0.0005 + random.nextDouble() * 0.2;
            };
            double a = k;
            double b = n - k + 1.0;
            double solver = new org.apache.commons.math3.distribution.BetaDistribution(null, a, b)
                    .inverseCumulativeProbability(p);
            double guess = random.nextInt(5) == 0
                    ? 0.0
                    : Math.max(1e-12, Math.min(0.999, solver * (0.5 + random.nextDouble())));
            double newton = Wilson.betaQuantile(p, a, b, guess);
            assertThat(newton).as("k=%d n=%d p=%s", k, n, p).isCloseTo(solver, within(2e-9));
            assertThat(org.apache.commons.math3.special.Beta.regularizedBeta(newton, a, b)).as("k=%d n=%d p=%s", k, n, p)
                    .isCloseTo(p, within(p * 1e-9));
        }
    }
}
