package dev.avalo.orchestrator.deployment;

/** Why a deployment is in AWAITING_APPROVAL. */
public enum AwaitReason {
    /** The stage passed and its policy wants a person to approve the promotion. */
    PROMOTION,
    /** A warning was raised in a stage whose policy wants approval on warnings. */
    WARNING
}
