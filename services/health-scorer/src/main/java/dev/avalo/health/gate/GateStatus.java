package dev.avalo.health.gate;

/** A stage gate's state. UNKNOWN is never a pass. */
public enum GateStatus {
    /** The data shows the gate holds (with confidence where a proportion is judged). */
    PASS,
    /** The data shows the gate does not hold. */
    FAIL,
    /** The data cannot tell yet, or there is none. */
    UNKNOWN;

    /** FAIL if any is FAIL, PASS if all are PASS, otherwise UNKNOWN. */
    public static GateStatus all(GateStatus... statuses) {
        boolean allPass = true;
        for (GateStatus s : statuses) {
            if (s == FAIL) {
                return FAIL;
            }
            allPass &= s == PASS;
        }
        return allPass ? PASS : UNKNOWN;
    }
}
