package dev.avalo.health.gate;

/**
 * Thresholds of the strategy's stage gates.
 *
 * @param errorRatePercent
 *            stage 1: error rate below this (2)
 * @param p95Millis
 *            stage 1: P95 latency below this (1200)
 * @param successRatePercent
 *            stage 1: success rate above this (98)
 * @param baselineTolerancePercent
 *            "within baseline": the canary may be this much worse than the stable (20)
 * @param paymentFailurePercent
 *            payment failure rate must be confidently below this (1)
 * @param cpuPercent
 *            system health: CPU below (85)
 * @param memoryPercent
 *            system health: memory below (90)
 * @param diskPercent
 *            system health: disk below (95)
 * @param sessionFailurePercent
 *            user feedback: session failure rate below (10)
 * @param authFailurePercent
 *            user feedback: authentication failure rate below (5)
 * @param minReferenceRequests
 *            requests each side needs before a comparison with the stable is made (100)
 * @param abLatencyEffect
 *            A/B: largest acceptable probability that a canary request is slower than a stable one (0.56, a "small"
 *            Vargha-Delaney effect)
 * @param abErrorMarginPercent
 *            A/B: largest acceptable error-rate excess of the canary over the stable, percentage points (1)
 */
public record GateSettings(double errorRatePercent, double p95Millis, double successRatePercent,
        double baselineTolerancePercent, double paymentFailurePercent, double cpuPercent, double memoryPercent,
        double diskPercent, double sessionFailurePercent, double authFailurePercent, long minReferenceRequests,
        double abLatencyEffect, double abErrorMarginPercent) {

    /** The strategy document's figures and the defaults above. */
    public static GateSettings defaults() {
        return new GateSettings(2, 1200, 98, 20, 1, 85, 90, 95, 10, 5, 100, 0.56, 1);
    }
}
