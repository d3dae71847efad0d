package dev.avalo.health.rule;

import java.time.Instant;

/**
 * What one rule found: breached, holding fine, or undecided (not enough data, or the data cannot tell yet). Carries the
 * observed value, the threshold, the confidence bounds and the sample size when a proportion was judged, and a sentence. Values
 * are in the metric's unit (rates in percent, latencies in ms).
 */
public record RuleResult(RuleDefinition rule, Status status, Double observed, double threshold, Double lower, Double upper,
        Long samples, Instant since, String detail) {

    /** A rule's state. */
    public enum Status {
        /** The condition holds, with confidence where a proportion is judged. */
        BREACHED,
        /** The condition does not hold. */
        OK,
        /** The data cannot decide (too few samples, too short a history, source silent). */
        UNKNOWN
    }

    public boolean breached() {
        return status == Status.BREACHED;
    }

    RuleResult withSince(Instant since) {
        return new RuleResult(rule, status, observed, threshold, lower, upper, samples, since, detail);
    }
}
