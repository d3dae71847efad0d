package dev.avalo.orchestrator.strategy;

/** When leaving a stage needs a person with the approver role. */
public enum ApprovalPolicy {
    /** Promotion is automatic. */
    NONE,
    /** Approval is needed only when a warning was raised during the stage (production stage 2). */
    ON_WARNING,
    /** Every promotion out of this stage waits for approval (staging). */
    ALWAYS
}
