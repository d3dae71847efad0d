package dev.avalo.contracts.deployment;

/** CloudEvent types of deployment events: {@code avalo.deployment.<name>}. */
public enum DeploymentEventType {
    CREATED("created"),
    STAGE_ENTERED("stage.entered"),
    STAGE_PASSED("stage.passed"),
    PAUSED("paused"),
    APPROVAL_REQUIRED("approval.required"),
    APPROVED("approved"),
    RESUMED("resumed"),
    ROLLBACK_STARTED("rollback.started"),
    ROLLED_BACK("rolled-back"),
    SUCCEEDED("succeeded"),
    FAILED("failed"),
    ABORTED("aborted"),
    EMERGENCY_STOP("emergency-stop"),
    /** Not in DESIGN §4's list: a warning that does not change the phase (e.g. health reports stopped arriving). */
    WARNING("warning");

    private final String wireName;

    DeploymentEventType(String wireName) {
        this.wireName = wireName;
    }

    /** The CloudEvent {@code type}. */
    public String type() {
        return "avalo.deployment." + wireName;
    }

    public String wireName() {
        return wireName;
    }
}
