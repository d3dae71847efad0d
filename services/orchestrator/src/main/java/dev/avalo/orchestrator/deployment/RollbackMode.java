package dev.avalo.orchestrator.deployment;

import java.util.Arrays;

/** Manual rollback modes. */
public enum RollbackMode {
    /** All traffic back to the stable revision now. */
    IMMEDIATE("immediate"),
    /** Back to the weight of the stage before, then PAUSED. */
    PREVIOUS_STAGE("previous-stage"),
    /** All traffic to a named earlier revision from the service's history. */
    REVISION("revision");

    private final String wire;

    RollbackMode(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** Parses the wire name; null or blank means {@code immediate}. */
    public static RollbackMode parse(String value) {
        if (value == null || value.isBlank()) {
            return IMMEDIATE;
        }
        return Arrays.stream(values()).filter(m -> m.wire.equals(value)).findFirst()
                .orElseThrow(() -> new ValidationException("mode",
                        "must be one of immediate, previous-stage, revision; got '" + value + "'"));
    }
}
