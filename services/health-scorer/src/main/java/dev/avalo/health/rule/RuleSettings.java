package dev.avalo.health.rule;

import dev.avalo.health.stats.Wilson;

/**
 * How rules are judged.
 *
 * @param wilson
 *            the confidence interval for rates and quantile exceedances
 * @param resolutionSeconds
 *            length of the slices a sustained rule checks for a contradiction (a slice confidently on the good side)
 * @param gaugeStaleSeconds
 *            how long a gauge value stands for the seconds after it
 * @param instantWindowSeconds
 *            the window of a rate, quantile or counter rule without {@code for}/{@code in}
 * @param minReferenceRequests
 *            requests the stable needs before a latency "vs stable" comparison is made
 */
public record RuleSettings(Wilson wilson, int resolutionSeconds, int gaugeStaleSeconds, int instantWindowSeconds,
        long minReferenceRequests) {

    public RuleSettings {
        if (resolutionSeconds < 1 || gaugeStaleSeconds < 1 || instantWindowSeconds < 1 || minReferenceRequests < 1) {
            throw new IllegalArgumentException("rule settings must be positive");
        }
    }

    /** Wilson 95 %, 2-second slices, gauges fresh for 60 s, 60-second instant window, 100 stable requests. */
    public static RuleSettings defaults() {
        return new RuleSettings(Wilson.ninetyFive(), 2, 60, 60, 100);
    }
}
