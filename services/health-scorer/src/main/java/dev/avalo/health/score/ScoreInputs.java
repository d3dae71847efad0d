package dev.avalo.health.score;

import dev.avalo.health.stats.Proportion;

/**
 * What the score is computed from; NaN (or null) marks a missing input.
 *
 * @param errors
 *            the canary's errors of its requests with its confidence interval; null without requests
 * @param p95Millis
 *            the canary's p95 latency with the values at the bounds of its rank: {point, lower, upper}; null without timed
 *            requests
 * @param throughputPercent
 *            canary throughput per unit of traffic share as a percentage of the stable's (or the service total vs the baseline
 *            at 100 %)
 * @param resourcePercent
 *            max(cpu, memory) of the canary in percent
 * @param userImpactPercent
 *            canary users per unit of traffic share as a percentage of the stable's (or the total vs the baseline)
 * @param throughputOptimistic
 *            the throughput ratio with the canary's request count at its upper confidence bound, for the optimistic score (NaN:
 *            the point value)
 * @param userImpactOptimistic
 *            the same for user impact
 */
public record ScoreInputs(Proportion errors, double[] p95Millis, double throughputPercent, double resourcePercent,
        double userImpactPercent, double throughputOptimistic, double userImpactOptimistic) {

    /** Inputs whose throughput and user impact are taken as exact. */
    public ScoreInputs(Proportion errors, double[] p95Millis, double throughputPercent, double resourcePercent,
            double userImpactPercent) {
        this(errors, p95Millis, throughputPercent, resourcePercent, userImpactPercent, Double.NaN, Double.NaN);
    }
}
