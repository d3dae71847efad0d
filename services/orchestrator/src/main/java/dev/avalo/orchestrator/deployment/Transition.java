package dev.avalo.orchestrator.deployment;

import java.time.Instant;
import java.util.List;

import dev.avalo.contracts.deployment.DeploymentEventType;

/**
 * The outcome of {@link Decider#decide}: the new state, the events to publish, the route to write (or null to leave it), the
 * next deadline (or null), and whether the scheduler must confirm first (a promotion in a checked environment).
 */
public record Transition(
        DeploymentState next,
        List<Emit> events,
        RouteIntent route,
        Instant deadline,
        boolean needsScheduleCheck,
        SideEffect sideEffect) {

    /** An event to publish with its cause. */
    public record Emit(DeploymentEventType type, String kind, String reason) {
    }

    /** What traffic should look like after the transition. */
    public sealed interface RouteIntent {
        /** Stable plus canary at {@code weightBasisPoints}. */
        record Canary(int weightBasisPoints) implements RouteIntent {
        }

        /** Stable only: the canary gets nothing. */
        record StableOnly() implements RouteIntent {
        }

        /** The new revision becomes the only, stable, revision (success). */
        record Promoted() implements RouteIntent {
        }

        /** A named earlier revision takes all traffic. */
        record Revision(String revision) implements RouteIntent {
        }
    }

    /** Bookkeeping the service does beside the row update. */
    public enum SideEffect {
        NONE,
        /** The new revision is now the service's stable one. */
        MARK_STABLE,
        /** The previous stable revision's retention ended: archive it. */
        ARCHIVE_BLUE,
        /** A rollback to a named revision finished: it is the stable one now. */
        MARK_ROLLBACK_REVISION_STABLE
    }

    /** True when the transition changes nothing. */
    public boolean isNoop(DeploymentState before) {
        return next.equals(before) && events.isEmpty() && route == null && sideEffect == SideEffect.NONE;
    }
}
