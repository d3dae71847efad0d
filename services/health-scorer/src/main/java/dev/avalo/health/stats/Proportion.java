package dev.avalo.health.stats;

/**
 * An observed proportion {@code k/n} with a two-sided confidence interval. {@code point}, {@code lower} and {@code upper} are
 * fractions (0–1); with {@code n == 0} the interval is the whole [0, 1] and {@code point} is NaN.
 */
public record Proportion(long k, long n, double point, double lower, double upper) {

    /** True when the whole interval lies above {@code threshold}: the proportion is past it with confidence. */
    public boolean surelyAbove(double threshold) {
        return n > 0 && lower > threshold;
    }

    /** True when the whole interval lies below {@code threshold}. */
    public boolean surelyBelow(double threshold) {
        return n > 0 && upper < threshold;
    }

    /** {@code point} in percent, NaN without samples. */
    public double pointPercent() {
        return point * 100.0;
    }
}
