package dev.avalo.health.rule;

import dev.avalo.health.stats.Wilson;

/**
 * How rules are judged.
 *
 * @param wilson
 *            the confidence interval a breach of a rate or quantile rule needs (its lower bound past the threshold)
 * @param sliceWilson
 *            the interval that shows a slice of a sustained rule's duration was within the threshold (a contradiction); looser
 *            than {@code wilson}, since a contradiction prevents a breach
 * @param resolutionSeconds
 *            length of the slices a sustained rule checks for a contradiction (a slice confidently on the good side)
 * @param gaugeStaleSeconds
 *            how long a gauge value stands for the seconds after it
 * @param instantWindowSeconds
 *            the window of a rate, quantile or counter rule without {@code for}/{@code in}
 * @param minReferenceRequests
 *            requests the stable needs before a latency "vs stable" comparison is made
 */
public record RuleSettings(Wilson wilson, Wilson sliceWilson, int resolutionSeconds, int gaugeStaleSeconds,
        int instantWindowSeconds,
        long minReferenceRequests) {

    public RuleSettings {
        if (resolutionSeconds < 1 || gaugeStaleSeconds < 1 || instantWindowSeconds < 1 || minReferenceRequests < 1) {
            throw new IllegalArgumentException("rule settings must be positive");
        }
    }

    /**
     * Breaches at Wilson 99.8 % (99.9 % one-sided: rules look every second, over overlapping windows, at every canary),
     * contradictions at 95 %, 2-second slices, gauges fresh for 60 s, 60-second instant window, 100 stable requests.
     */
    public static RuleSettings defaults() {
        return new RuleSettings(new Wilson(0.998), Wilson.ninetyFive(), 2, 60, 60, 100);
    }
}
