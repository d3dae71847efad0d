package dev.avalo.health.gate;

import dev.avalo.contracts.health.GateResult;

/** One gate's result with the observed value, its confidence bounds and sample size where judged as a proportion. */
public record GateOutcome(String gate, GateStatus status, Double observed, Double lower, Double upper, Long samples,
        String detail) {

    static GateOutcome unknown(String gate, String why) {
        return new GateOutcome(gate, GateStatus.UNKNOWN, null, null, null, null, why);
    }

    /** The wire form. */
    public GateResult toWire() {
        return new GateResult(gate, status.name(), round(observed), round(lower), round(upper), samples, detail);
    }

    private static Double round(Double v) {
        return v == null || v.isNaN() || v.isInfinite() ? null : Math.round(v * 1000.0) / 1000.0;
    }
}
