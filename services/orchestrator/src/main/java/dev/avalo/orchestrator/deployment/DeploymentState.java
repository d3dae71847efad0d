package dev.avalo.orchestrator.deployment;

import java.time.Instant;
import java.util.UUID;

import dev.avalo.orchestrator.strategy.Strategy;

/**
 * The part of a deployment the lifecycle decides on. Immutable; {@link Decider} returns a new one.
 *
 * @param plan
 *            the strategy snapshot taken at start (later edits of the strategy do not change a running deployment)
 * @param pausedFrom
 *            the phase a PAUSED deployment resumes to
 * @param approvedStage
 *            the stage index whose warnings an approver already accepted, or -1
 * @param health
 *            the last usable health report (not INSUFFICIENT_DATA), or null
 * @param dataSince
 *            when the wait for usable health data began (start, stage entry, resume or last usable report)
 * @param warnedMissing
 *            a missing-data warning was already raised for the current wait
 * @param phaseSince
 *            when the current phase (bake, rollback, success) began
 * @param rollbackGeneration
 *            the route generation a router must ack to finish ROLLING_BACK, or 0
 * @param blueArchived
 *            the previous stable revision was archived after its retention
 */
public record DeploymentState(
        UUID id,
        String service,
        String environment,
        String fromRevision,
        String toRevision,
        Strategy plan,
        DeploymentPhase phase,
        int stageIndex,
        Instant stageStartedAt,
        DeploymentPhase pausedFrom,
        AwaitReason awaiting,
        int approvedStage,
        HealthSnapshot health,
        Instant dataSince,
        boolean warnedMissing,
        Instant phaseSince,
        boolean rollbackSafe,
        long rollbackGeneration,
        boolean blueArchived) {

    /** A new deployment before it starts. */
    public static DeploymentState pending(UUID id, String service, String environment, String fromRevision,
            String toRevision, Strategy plan, boolean rollbackSafe, Instant now) {
        return new DeploymentState(id, service, environment, fromRevision, toRevision, plan, DeploymentPhase.PENDING, 0,
                now, null, null, -1, null, now, false, now, rollbackSafe, 0, false);
    }

    DeploymentState withPhase(DeploymentPhase p, Instant now) {
        return new DeploymentState(id, service, environment, fromRevision, toRevision, plan, p, stageIndex,
                stageStartedAt, pausedFrom, awaiting, approvedStage, health, dataSince, warnedMissing, now, rollbackSafe,
                rollbackGeneration, blueArchived);
    }

    DeploymentState withStage(int index, Instant now) {
        return new DeploymentState(id, service, environment, fromRevision, toRevision, plan, DeploymentPhase.RUNNING,
                index, now, null, null, approvedStage, health, now, false, now, rollbackSafe, rollbackGeneration,
                blueArchived);
    }

    /** PAUSED, remembering {@code from}; a paused bake keeps its start, so resuming does not restart it. */
    DeploymentState paused(DeploymentPhase from, Instant now) {
        return new DeploymentState(id, service, environment, fromRevision, toRevision, plan, DeploymentPhase.PAUSED,
                stageIndex, stageStartedAt, from, awaiting, approvedStage, health, dataSince, warnedMissing,
                from == DeploymentPhase.BAKING ? phaseSince : now, rollbackSafe, rollbackGeneration, blueArchived);
    }

    DeploymentState awaiting(AwaitReason reason, Instant now) {
        return new DeploymentState(id, service, environment, fromRevision, toRevision, plan,
                DeploymentPhase.AWAITING_APPROVAL, stageIndex, stageStartedAt, null, reason, approvedStage, health,
                dataSince, warnedMissing, now, rollbackSafe, rollbackGeneration, blueArchived);
    }

    DeploymentState withApprovedStage(int index) {
        return new DeploymentState(id, service, environment, fromRevision, toRevision, plan, phase, stageIndex,
                stageStartedAt, pausedFrom, awaiting, index, health, dataSince, warnedMissing, phaseSince, rollbackSafe,
                rollbackGeneration, blueArchived);
    }

    DeploymentState withHealth(HealthSnapshot h, Instant now) {
        return new DeploymentState(id, service, environment, fromRevision, toRevision, plan, phase, stageIndex,
                stageStartedAt, pausedFrom, awaiting, approvedStage, h, now, false, phaseSince, rollbackSafe,
                rollbackGeneration, blueArchived);
    }

    DeploymentState withDataSince(Instant since, boolean warned) {
        return new DeploymentState(id, service, environment, fromRevision, toRevision, plan, phase, stageIndex,
                stageStartedAt, pausedFrom, awaiting, approvedStage, health, since, warned, phaseSince, rollbackSafe,
                rollbackGeneration, blueArchived);
    }

    /** Called by the service once the stable-only route has its generation. */
    public DeploymentState withRollbackGeneration(long generation) {
        return new DeploymentState(id, service, environment, fromRevision, toRevision, plan, phase, stageIndex,
                stageStartedAt, pausedFrom, awaiting, approvedStage, health, dataSince, warnedMissing, phaseSince,
                rollbackSafe, generation, blueArchived);
    }

    /** The bake starts again at {@code now} (a health score under PROCEED interrupted it). */
    DeploymentState withBakeRestarted(Instant now) {
        return new DeploymentState(id, service, environment, fromRevision, toRevision, plan, phase, stageIndex,
                stageStartedAt, pausedFrom, awaiting, approvedStage, health, dataSince, warnedMissing, now, rollbackSafe,
                rollbackGeneration, blueArchived);
    }

    DeploymentState withBlueArchived() {
        return new DeploymentState(id, service, environment, fromRevision, toRevision, plan, phase, stageIndex,
                stageStartedAt, pausedFrom, awaiting, approvedStage, health, dataSince, warnedMissing, phaseSince,
                rollbackSafe, rollbackGeneration, true);
    }

    /** The current stage's canary weight in basis points. */
    public int weightBasisPoints() {
        return plan.stage(stageIndex).weightBasisPoints();
    }
}
