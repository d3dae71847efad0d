package dev.avalo.orchestrator.deployment;

import java.util.EnumSet;
import java.util.Set;

/** Where a deployment is in its lifecycle (DESIGN.md §5). */
public enum DeploymentPhase {
    /** Created, not yet routed. */
    PENDING,
    /** The canary holds its stage's share of traffic and is being scored. */
    RUNNING,
    /** Held by a person, a health warning or a schedule block; traffic stays where it is. */
    PAUSED,
    /** Waiting for someone with the approver role before it may go on. */
    AWAITING_APPROVAL,
    /** All traffic on the new revision; watched for the bake period, blue kept running. */
    BAKING,
    /** Baked and healthy: the new revision is the stable one. */
    SUCCEEDED,
    /** Traffic is being moved back; waiting for a router to ack the stable-only route. */
    ROLLING_BACK,
    /** Traffic is back on the stable (or a named earlier) revision and a router acked it. */
    ROLLED_BACK,
    /** Cancelled by a person; traffic reverted to stable. */
    ABORTED,
    /** Could not complete for a reason that is not a rollback (e.g. invalid plan). */
    FAILED;

    private static final Set<DeploymentPhase> LIVE = EnumSet.of(PENDING, RUNNING, PAUSED, AWAITING_APPROVAL, BAKING,
            ROLLING_BACK);

    /** True for phases no signal leaves. */
    public boolean isTerminal() {
        return this == SUCCEEDED || this == ROLLED_BACK || this == ABORTED || this == FAILED;
    }

    /** True while the deployment still owns its service's traffic (the one-live-per-service rule). */
    public boolean isLive() {
        return LIVE.contains(this);
    }

    /** True where a rollback, abort or emergency stop may start. */
    public boolean isRevertible() {
        return this == RUNNING || this == PAUSED || this == AWAITING_APPROVAL || this == BAKING;
    }

    /** The live phases. */
    public static Set<DeploymentPhase> live() {
        return EnumSet.copyOf(LIVE);
    }
}
