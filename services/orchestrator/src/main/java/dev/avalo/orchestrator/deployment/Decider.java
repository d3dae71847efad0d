package dev.avalo.orchestrator.deployment;

import static dev.avalo.orchestrator.deployment.DeploymentPhase.AWAITING_APPROVAL;
import static dev.avalo.orchestrator.deployment.DeploymentPhase.BAKING;
import static dev.avalo.orchestrator.deployment.DeploymentPhase.PAUSED;
import static dev.avalo.orchestrator.deployment.DeploymentPhase.PENDING;
import static dev.avalo.orchestrator.deployment.DeploymentPhase.ROLLING_BACK;
import static dev.avalo.orchestrator.deployment.DeploymentPhase.RUNNING;
import static dev.avalo.orchestrator.deployment.DeploymentPhase.SUCCEEDED;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.avalo.contracts.deployment.DeploymentEventType;
import dev.avalo.contracts.health.GateResult;
import dev.avalo.contracts.health.HealthReport;
import dev.avalo.contracts.health.Verdict;
import dev.avalo.orchestrator.deployment.Transition.Emit;
import dev.avalo.orchestrator.deployment.Transition.RouteIntent;
import dev.avalo.orchestrator.deployment.Transition.SideEffect;
import dev.avalo.orchestrator.strategy.ApprovalPolicy;
import dev.avalo.orchestrator.strategy.Stage;

/**
 * The deployment lifecycle as a pure function: {@code decide(state, signal, now)} returns the transition and touches nothing.
 * Health verdict → action per the strategy document: score ≥ 90, stage time elapsed and every gate passing → next stage; 80–89
 * → keep monitoring; 70–79 → pause (approval in a stage that asks for it on warnings); below 70 or any rollback rule breached →
 * automatic rollback. Missing data never passes: it holds the stage, warns after {@code warnAfter} and pauses after
 * {@code pauseAfter}.
 */
public final class Decider {

    /**
     * Timing and score bands.
     *
     * @param warnAfter
     *            no usable health report for this long raises a warning
     * @param pauseAfter
     *            no usable health report for this long pauses the deployment
     * @param rollbackAckTimeout
     *            a rollback with no router ack for this long ends ROLLED_BACK with a warning
     */
    public record Settings(Duration warnAfter, Duration pauseAfter, Duration rollbackAckTimeout, double proceedAt,
            double continueAt, double pauseAt) {

        public static Settings defaults() {
            return new Settings(Duration.ofMinutes(2), Duration.ofMinutes(10), Duration.ofSeconds(30), 90, 80, 70);
        }
    }

    private final Settings settings;

    public Decider(Settings settings) {
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    /** Decides what {@code signal} does to {@code state} at {@code now}. Manual actions a phase does not allow throw. */
    public Transition decide(DeploymentState s, Signal signal, Instant now) {
        Transition t;
        if (signal instanceof Signal.Start start) {
            t = start(s, start, now);
        } else if (signal instanceof Signal.Health health) {
            t = health(s, health.report(), now);
        } else if (signal instanceof Signal.Tick) {
            t = tick(s, now);
        } else if (signal instanceof Signal.RouterAck ack) {
            t = routerAck(s, ack, now);
        } else if (signal instanceof Signal.Promote promote) {
            t = promote(s, promote, now);
        } else if (signal instanceof Signal.Approve approve) {
            t = approve(s, approve, now);
        } else if (signal instanceof Signal.Pause pause) {
            t = pause(s, pause, now);
        } else if (signal instanceof Signal.Resume resume) {
            t = resume(s, resume, now);
        } else if (signal instanceof Signal.Rollback rollback) {
            t = rollback(s, rollback, now);
        } else if (signal instanceof Signal.Abort abort) {
            t = abort(s, abort, now);
        } else if (signal instanceof Signal.EmergencyStop stop) {
            t = emergencyStop(s, stop, now);
        } else if (signal instanceof Signal.ScheduleBlocked blocked) {
            t = scheduleBlocked(s, blocked, now);
        } else {
            throw new IllegalArgumentException("unknown signal " + signal);
        }
        return new Transition(t.next(), t.events(), t.route(), deadline(t.next(), now), t.needsScheduleCheck(),
                t.sideEffect());
    }

    /**
     * When the deployment next needs a {@link Signal.Tick}, or null when only a signal can move it. A stage or bake end already
     * past is no deadline any more: from then on the next health report decides.
     */
    public Instant deadline(DeploymentState s, Instant now) {
        switch (s.phase()) {
            case RUNNING : {
                Instant stageEnd = s.stageStartedAt().plusSeconds(s.plan().stage(s.stageIndex()).minDurationSeconds());
                return stageEnd.isAfter(now) ? min(stageEnd, dataDeadline(s)) : dataDeadline(s);
            }
            case BAKING : {
                Instant bakeEnd = s.phaseSince().plusSeconds(s.plan().bakeSeconds());
                return bakeEnd.isAfter(now) ? min(bakeEnd, dataDeadline(s)) : dataDeadline(s);
            }
            case ROLLING_BACK :
                return s.phaseSince().plus(settings.rollbackAckTimeout());
            case SUCCEEDED :
                return s.blueArchived() ? null : s.phaseSince().plusSeconds(s.plan().blueRetentionSeconds());
            default :
                return null;
        }
    }

    private Instant dataDeadline(DeploymentState s) {
        return s.dataSince().plus(s.warnedMissing() ? settings.pauseAfter() : settings.warnAfter());
    }

    // ---- automatic signals -------------------------------------------------------------------------------------

    private Transition start(DeploymentState s, Signal.Start start, Instant now) {
        if (s.phase() != PENDING) {
            throw new IllegalTransitionException("deployment already started: " + s.phase());
        }
        DeploymentState next = s.withStage(0, now);
        Stage first = s.plan().stage(0);
        // an emergency start says so on its created event (timeline, notifications); the scheduler audits the override
        String created = "deployment of " + s.toRevision() + " created" + (start.emergency() == null
                ? ""
                : " as an emergency, override approved by " + start.emergency().approvedBy() + ": "
                        + start.emergency().reason());
        return of(next, new RouteIntent.Canary(first.weightBasisPoints()),
                emit(DeploymentEventType.CREATED, "start", created),
                emit(DeploymentEventType.STAGE_ENTERED, "start",
                        "stage " + (1) + " (" + first.name() + ") at " + percent(first.weightBasisPoints())));
    }

    private Transition health(DeploymentState s, HealthReport report, Instant now) {
        if (s.phase() != RUNNING && s.phase() != BAKING && s.phase() != PAUSED && s.phase() != AWAITING_APPROVAL) {
            return none(s);
        }
        if (report.revision() != null && !report.revision().equals(s.toRevision())) {
            return none(s);
        }
        if (report.deploymentId() != null && !report.deploymentId().equals(s.id().toString())) {
            return none(s);
        }
        boolean usable = report.score() != null && report.verdict() != null
                && report.verdict() != Verdict.INSUFFICIENT_DATA;
        // A PAUSE from the scorer with a score under the rollback band is its confidence guard at work: the point score is
        // low but the data cannot tell it from a healthy one, and a stage gate failed. Pause; do not roll back on the point.
        boolean scorerHolds = report.verdict() == Verdict.PAUSE;
        boolean breached = !report.breaches().isEmpty() || report.verdict() == Verdict.ROLLBACK
                || (usable && !scorerHolds && report.score() < settings.pauseAt());
        if (breached) {
            // A rollback rule holds in every live phase, including PAUSED and AWAITING_APPROVAL.
            return autoRollback(s, report, now);
        }
        if (s.phase() == PAUSED || s.phase() == AWAITING_APPROVAL) {
            // Remember the data, but only a person moves a paused or waiting deployment on.
            return usable ? of(s.withHealth(snapshot(s, report, now), now), null) : none(s);
        }
        if (!usable) {
            return tick(s, now);
        }
        HealthSnapshot snap = snapshot(s, report, now);
        DeploymentState next = s.withHealth(snap, now);
        if (snap.verdict() == Verdict.PAUSE) {
            return warning(next, pauseReason(report) + ": " + snap.summary(), now);
        }
        if (s.phase() == BAKING && snap.verdict() != Verdict.PROCEED && s.plan().bakeSeconds() > 0) {
            // Success is "health score > 90 for 24 hours" (strategy, Success Metrics): a report under PROCEED starts the bake
            // again. Said once per dip (when the report before it was PROCEED), not at every report of the dip.
            DeploymentState restarted = next.withBakeRestarted(now);
            boolean dip = s.health() == null || s.health().verdict() == Verdict.PROCEED;
            return dip
                    ? of(restarted, null, emit(DeploymentEventType.WARNING, "bake-restarted",
                            "bake restarted: health under PROCEED (" + snap.summary() + "); success needs "
                                    + human(Duration.ofSeconds(s.plan().bakeSeconds())) + " of PROCEED"))
                    : of(restarted, null);
        }
        return progress(next, now);
    }

    private Transition tick(DeploymentState s, Instant now) {
        switch (s.phase()) {
            case RUNNING :
            case BAKING : {
                Duration silent = Duration.between(s.dataSince(), now);
                if (silent.compareTo(settings.pauseAfter()) >= 0) {
                    DeploymentState next = s.paused(s.phase(), now).withDataSince(s.dataSince(), true);
                    return of(next, null, emit(DeploymentEventType.PAUSED, "health-missing",
                            "no usable health report for " + human(silent) + "; paused, missing data is never a pass"));
                }
                if (!s.warnedMissing() && silent.compareTo(settings.warnAfter()) >= 0) {
                    DeploymentState warned = s.withDataSince(s.dataSince(), true);
                    String why = "no usable health report for " + human(silent) + "; holding the stage";
                    if (needsApprovalOnWarning(warned)) {
                        return of(warned.awaiting(AwaitReason.WARNING, now), null,
                                emit(DeploymentEventType.WARNING, "health-missing", why),
                                emit(DeploymentEventType.APPROVAL_REQUIRED, "warning", why));
                    }
                    return of(warned, null, emit(DeploymentEventType.WARNING, "health-missing", why));
                }
                return progress(s, now);
            }
            case ROLLING_BACK :
                if (!now.isBefore(s.phaseSince().plus(settings.rollbackAckTimeout()))) {
                    return rolledBack(s, now, "no router acked generation " + s.rollbackGeneration() + " within "
                            + human(settings.rollbackAckTimeout()) + "; marked rolled back without confirmation", true);
                }
                return none(s);
            case SUCCEEDED :
                if (!s.blueArchived()
                        && !now.isBefore(s.phaseSince().plusSeconds(s.plan().blueRetentionSeconds()))) {
                    return new Transition(s.withBlueArchived(), List.of(), null, null, false, SideEffect.ARCHIVE_BLUE);
                }
                return none(s);
            default :
                return none(s);
        }
    }

    /** RUNNING or BAKING with fresh data: promote when the stage's time is up and the last report says PROCEED. */
    private Transition progress(DeploymentState s, Instant now) {
        HealthSnapshot h = s.health();
        boolean healthy = h != null && h.verdict() == Verdict.PROCEED && h.receivedAt().isAfter(s.stageStartedAt())
                && Duration.between(h.receivedAt(), now).compareTo(settings.warnAfter()) < 0;
        if (s.phase() == RUNNING) {
            Stage stage = s.plan().stage(s.stageIndex());
            boolean elapsed = !now.isBefore(s.stageStartedAt().plusSeconds(stage.minDurationSeconds()));
            if (!elapsed || !healthy) {
                return none(s);
            }
            if (stage.approval() == ApprovalPolicy.ALWAYS && s.approvedStage() != s.stageIndex()) {
                return of(s.awaiting(AwaitReason.PROMOTION, now), null,
                        emit(DeploymentEventType.APPROVAL_REQUIRED, "promotion",
                                "stage " + (s.stageIndex() + 1) + " (" + stage.name()
                                        + ") passed; promotion needs approval"));
            }
            return advance(s, now, "system", "stage " + (s.stageIndex() + 1) + " healthy for "
                    + human(Duration.ofSeconds(stage.minDurationSeconds())) + ": " + h.summary());
        }
        if (s.phase() == BAKING) {
            boolean baked = !now.isBefore(s.phaseSince().plusSeconds(s.plan().bakeSeconds()));
            if (baked && healthy) {
                return succeed(s, now, "system", "baked " + human(Duration.ofSeconds(s.plan().bakeSeconds()))
                        + " with health " + h.summary());
            }
        }
        return none(s);
    }

    private Transition routerAck(DeploymentState s, Signal.RouterAck ack, Instant now) {
        if (s.phase() == ROLLING_BACK && s.rollbackGeneration() > 0 && ack.generation() >= s.rollbackGeneration()) {
            return rolledBack(s, now, "router " + ack.routerId() + " applied generation " + ack.generation(), false);
        }
        return none(s);
    }

    private Transition scheduleBlocked(DeploymentState s, Signal.ScheduleBlocked blocked, Instant now) {
        if (s.phase() != RUNNING && s.phase() != AWAITING_APPROVAL && s.phase() != BAKING) {
            return none(s);
        }
        DeploymentPhase from = s.phase() == AWAITING_APPROVAL ? RUNNING : s.phase();
        return of(s.paused(from, now), null, emit(DeploymentEventType.PAUSED, "schedule-blocked",
                "promotion blocked by the schedule: " + String.join("; ", blocked.reasons())));
    }

    // ---- manual signals ----------------------------------------------------------------------------------------

    private Transition promote(DeploymentState s, Signal.Promote p, Instant now) {
        if (s.phase() == RUNNING) {
            Stage stage = s.plan().stage(s.stageIndex());
            if (stage.approval() == ApprovalPolicy.ALWAYS && s.approvedStage() != s.stageIndex()) {
                throw new IllegalTransitionException("stage " + stage.name()
                        + " needs approval before promotion: an approver must call approve");
            }
            return advance(s, now, p.actor(), reason(p.reason(), "manual promotion"));
        }
        if (s.phase() == BAKING) {
            return succeed(s, now, p.actor(), reason(p.reason(), "bake ended early by manual promotion"));
        }
        throw new IllegalTransitionException("cannot promote a deployment in " + s.phase()
                + (s.phase() == PAUSED ? ": resume it first" : s.phase() == AWAITING_APPROVAL ? ": it needs approval" : ""));
    }

    private Transition approve(DeploymentState s, Signal.Approve a, Instant now) {
        if (s.phase() != AWAITING_APPROVAL) {
            throw new IllegalTransitionException("nothing to approve: deployment is " + s.phase());
        }
        DeploymentState approved = s.withApprovedStage(s.stageIndex());
        Emit event = emit(DeploymentEventType.APPROVED, "approval", reason(a.reason(), "approved by " + a.actor()));
        if (s.awaiting() == AwaitReason.PROMOTION) {
            Transition t = advance(approved, now, a.actor(), reason(a.reason(), "approved promotion"));
            return withFirst(t, event);
        }
        DeploymentState running = new DeploymentState(approved.id(), approved.service(), approved.environment(),
                approved.fromRevision(), approved.toRevision(), approved.plan(), RUNNING, approved.stageIndex(),
                approved.stageStartedAt(), null, null, approved.approvedStage(), approved.health(), now, false, now,
                approved.rollbackSafe(), approved.rollbackGeneration(), approved.blueArchived());
        return of(running, null, event);
    }

    private Transition pause(DeploymentState s, Signal.Pause p, Instant now) {
        if (s.phase() != RUNNING && s.phase() != AWAITING_APPROVAL && s.phase() != BAKING) {
            throw new IllegalTransitionException("cannot pause a deployment in " + s.phase());
        }
        return of(s.paused(s.phase(), now), null,
                emit(DeploymentEventType.PAUSED, "manual", reason(p.reason(), "paused by " + p.actor())));
    }

    private Transition resume(DeploymentState s, Signal.Resume r, Instant now) {
        if (s.phase() != PAUSED) {
            throw new IllegalTransitionException("cannot resume a deployment in " + s.phase() + ": it is not paused");
        }
        DeploymentPhase to = s.pausedFrom() == null ? RUNNING : s.pausedFrom();
        DeploymentState next = new DeploymentState(s.id(), s.service(), s.environment(), s.fromRevision(),
                s.toRevision(), s.plan(), to, s.stageIndex(), s.stageStartedAt(), null,
                to == AWAITING_APPROVAL ? s.awaiting() : null, s.approvedStage(), s.health(), now, false,
                to == BAKING ? s.phaseSince() : now, s.rollbackSafe(), s.rollbackGeneration(), s.blueArchived());
        return of(next, null,
                emit(DeploymentEventType.RESUMED, "manual", reason(r.reason(), "resumed by " + r.actor())));
    }

    private Transition rollback(DeploymentState s, Signal.Rollback r, Instant now) {
        if (!s.phase().isRevertible()) {
            throw new IllegalTransitionException("cannot roll back a deployment in " + s.phase());
        }
        requireSafe(s, r.forced(), "roll back");
        switch (r.mode()) {
            case PREVIOUS_STAGE : {
                if (s.stageIndex() == 0 || s.phase() == BAKING && s.plan().stages().size() < 2) {
                    throw new IllegalTransitionException(
                            "no previous stage: the deployment is in its first stage; use mode immediate");
                }
                int previous = s.phase() == BAKING ? s.plan().stages().size() - 2 : s.stageIndex() - 1;
                Stage stage = s.plan().stage(previous);
                DeploymentState back = s.withStage(previous, now).paused(RUNNING, now);
                return of(back, new RouteIntent.Canary(stage.weightBasisPoints()),
                        emit(DeploymentEventType.PAUSED, "rollback-previous-stage",
                                reason(r.reason(), "rolled back to stage " + (previous + 1) + " (" + stage.name() + ", "
                                        + percent(stage.weightBasisPoints()) + ") by " + r.actor()
                                        + "; paused")));
            }
            case REVISION :
                return of(s.withPhase(ROLLING_BACK, now), new RouteIntent.Revision(r.revision()),
                        emit(DeploymentEventType.ROLLBACK_STARTED, "manual-revision",
                                reason(r.reason(), "rollback to revision " + r.revision() + " by " + r.actor())));
            default :
                return of(s.withPhase(ROLLING_BACK, now), new RouteIntent.StableOnly(),
                        emit(DeploymentEventType.ROLLBACK_STARTED, "manual",
                                reason(r.reason(), "rollback to " + s.fromRevision() + " by " + r.actor())));
        }
    }

    private Transition abort(DeploymentState s, Signal.Abort a, Instant now) {
        if (s.phase() == PENDING) {
            return of(s.withPhase(DeploymentPhase.ABORTED, now), null,
                    emit(DeploymentEventType.ABORTED, "manual", reason(a.reason(), "aborted by " + a.actor())));
        }
        if (!s.phase().isRevertible()) {
            throw new IllegalTransitionException("cannot abort a deployment in " + s.phase());
        }
        requireSafe(s, a.forced(), "abort");
        return of(s.withPhase(DeploymentPhase.ABORTED, now), new RouteIntent.StableOnly(),
                emit(DeploymentEventType.ABORTED, "manual",
                        reason(a.reason(), "aborted by " + a.actor() + "; traffic back on " + s.fromRevision())));
    }

    private Transition emergencyStop(DeploymentState s, Signal.EmergencyStop e, Instant now) {
        if (!s.phase().isRevertible()) {
            return none(s);
        }
        String why = reason(e.reason(), "emergency stop by " + e.actor());
        return of(s.withPhase(ROLLING_BACK, now), new RouteIntent.StableOnly(),
                emit(DeploymentEventType.EMERGENCY_STOP, "emergency-stop", why),
                emit(DeploymentEventType.ROLLBACK_STARTED, "emergency-stop", why));
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private Transition autoRollback(DeploymentState s, HealthReport report, Instant now) {
        String why = report.breaches().isEmpty()
                ? "health score " + score(report) + " is below " + (int) settings.pauseAt()
                : report.breaches().stream().map(b -> b.description() + " (observed " + b.observed() + ", threshold "
                        + b.threshold() + ")").collect(Collectors.joining("; "));
        DeploymentState withHealth = s.withHealth(new HealthSnapshot(Verdict.ROLLBACK, report.score(), now, why), now);
        if (!s.rollbackSafe()) {
            if (s.phase() == PAUSED) {
                return of(withHealth.paused(s.pausedFrom(), now), null);
            }
            return of(withHealth.paused(s.phase(), now), null, emit(DeploymentEventType.PAUSED, "rollback-unsafe",
                    "automatic rollback needed (" + why + ") but the deployment carried a contract migration: paused; "
                            + "an approver must roll back with force"));
        }
        return of(withHealth.withPhase(ROLLING_BACK, now), new RouteIntent.StableOnly(),
                emit(DeploymentEventType.ROLLBACK_STARTED, "health", "automatic rollback: " + why));
    }

    private Transition warning(DeploymentState s, String why, Instant now) {
        if (needsApprovalOnWarning(s)) {
            return of(s.awaiting(AwaitReason.WARNING, now), null,
                    emit(DeploymentEventType.APPROVAL_REQUIRED, "warning", why + "; manual approval required"));
        }
        return of(s.paused(s.phase(), now), null, emit(DeploymentEventType.PAUSED, "health-warning", why));
    }

    private boolean needsApprovalOnWarning(DeploymentState s) {
        return s.phase() == RUNNING && s.plan().stage(s.stageIndex()).approval() == ApprovalPolicy.ON_WARNING
                && s.approvedStage() != s.stageIndex();
    }

    private Transition advance(DeploymentState s, Instant now, String actor, String why) {
        int index = s.stageIndex();
        Stage stage = s.plan().stage(index);
        Emit passed = emit(DeploymentEventType.STAGE_PASSED, actorKind(actor), why);
        if (s.plan().isLast(index)) {
            if (s.plan().bakeSeconds() == 0) {
                Transition t = succeed(s, now, actor, why);
                return withFirst(t, passed);
            }
            DeploymentState baking = new DeploymentState(s.id(), s.service(), s.environment(), s.fromRevision(),
                    s.toRevision(), s.plan(), BAKING, index, s.stageStartedAt(), null, null, s.approvedStage(),
                    s.health(), now, false, now, s.rollbackSafe(), s.rollbackGeneration(), s.blueArchived());
            // entering the bake moves no traffic (the last stage is already 100 %): no schedule check
            return new Transition(baking, List.of(passed), null, null, false, SideEffect.NONE);
        }
        Stage next = s.plan().stage(index + 1);
        Emit entered = emit(DeploymentEventType.STAGE_ENTERED, actorKind(actor),
                "stage " + (index + 2) + " (" + next.name() + ") at " + percent(next.weightBasisPoints()));
        return new Transition(s.withStage(index + 1, now), List.of(passed, entered),
                new RouteIntent.Canary(next.weightBasisPoints()), null, s.plan().promotionScheduleCheck(),
                SideEffect.NONE);
    }

    private Transition succeed(DeploymentState s, Instant now, String actor, String why) {
        return new Transition(s.withPhase(SUCCEEDED, now),
                List.of(emit(DeploymentEventType.SUCCEEDED, actorKind(actor), why)), new RouteIntent.Promoted(), null,
                false, SideEffect.MARK_STABLE);
    }

    private Transition rolledBack(DeploymentState s, Instant now, String why, boolean unconfirmed) {
        List<Emit> events = new ArrayList<>();
        if (unconfirmed) {
            events.add(emit(DeploymentEventType.WARNING, "router-ack-timeout", why));
        }
        events.add(emit(DeploymentEventType.ROLLED_BACK, unconfirmed ? "timeout" : "router-ack", why));
        return new Transition(s.withPhase(DeploymentPhase.ROLLED_BACK, now), events, null, null, false,
                SideEffect.MARK_ROLLBACK_REVISION_STABLE);
    }

    private void requireSafe(DeploymentState s, boolean forced, String action) {
        if (!s.rollbackSafe() && !forced) {
            throw new RollbackUnsafeException("cannot " + action + " deployment " + s.id()
                    + ": it carried a contract migration, so the stable revision may not work with the database any more; "
                    + "an approver must pass force: true");
        }
    }

    /** Why a PAUSE verdict pauses: the score's warning band, or the gates the health-scorer failed (with its detail). */
    private String pauseReason(HealthReport r) {
        if (band(r.score()) == Verdict.PAUSE) {
            return "health score " + score(r) + " is in the warning band";
        }
        List<String> failed = new ArrayList<>();
        for (GateResult g : r.gates()) {
            if ("FAIL".equals(g.status())) {
                failed.add(g.gate() + (g.detail() == null ? "" : " (" + g.detail() + ")"));
            }
        }
        if (!failed.isEmpty()) {
            return "stage gate failed: " + String.join("; ", failed);
        }
        return r.reasons() == null || r.reasons().isEmpty()
                ? "the health-scorer says PAUSE"
                : "the health-scorer says PAUSE: " + String.join("; ", r.reasons());
    }

    private HealthSnapshot snapshot(DeploymentState s, HealthReport r, Instant now) {
        Verdict v = worst(r.verdict(), band(r.score()));
        if (r.verdict() == Verdict.PAUSE && v == Verdict.ROLLBACK) {
            v = Verdict.PAUSE; // see health(): the scorer's confidence guard
        }
        String summary = "score " + score(r) + ", verdict " + r.verdict();
        if (v == Verdict.PROCEED) {
            List<String> notPassing = new ArrayList<>();
            for (String gate : s.plan().gatesAt(s.stageIndex())) {
                Optional<GateResult> g = r.gates().stream().filter(x -> gate.equals(x.gate())).findFirst();
                if (g.isEmpty() || !"PASS".equals(g.get().status())) {
                    notPassing.add(gate + " " + g.map(GateResult::status).orElse("UNKNOWN"));
                }
            }
            if (!notPassing.isEmpty()) {
                v = Verdict.CONTINUE;
                summary += "; gates not passing: " + String.join(", ", notPassing);
            }
        }
        return new HealthSnapshot(v, r.score(), now, summary);
    }

    private Verdict band(Double score) {
        if (score == null) {
            return Verdict.INSUFFICIENT_DATA;
        }
        if (score >= settings.proceedAt()) {
            return Verdict.PROCEED;
        }
        if (score >= settings.continueAt()) {
            return Verdict.CONTINUE;
        }
        if (score >= settings.pauseAt()) {
            return Verdict.PAUSE;
        }
        return Verdict.ROLLBACK;
    }

    /** The worse of two verdicts (they are declared best to worst). */
    public static Verdict worst(Verdict a, Verdict b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.ordinal() >= b.ordinal() ? a : b;
    }

    private static Transition withFirst(Transition t, Emit first) {
        List<Emit> events = new ArrayList<>();
        events.add(first);
        events.addAll(t.events());
        return new Transition(t.next(), events, t.route(), t.deadline(), t.needsScheduleCheck(), t.sideEffect());
    }

    private static Transition of(DeploymentState next, RouteIntent route, Emit... events) {
        return new Transition(next, List.of(events), route, null, false, SideEffect.NONE);
    }

    private static Transition none(DeploymentState s) {
        return new Transition(s, List.of(), null, null, false, SideEffect.NONE);
    }

    private static Emit emit(DeploymentEventType type, String kind, String reason) {
        return new Emit(type, kind, reason);
    }

    private static String actorKind(String actor) {
        return "system".equals(actor) ? "health" : "manual";
    }

    private static String reason(String given, String fallback) {
        return given == null || given.isBlank() ? fallback : given;
    }

    private static String score(HealthReport r) {
        return r.score() == null ? "n/a" : String.format(java.util.Locale.ROOT, "%.1f", r.score());
    }

    static String percent(int basisPoints) {
        return basisPoints % 100 == 0
                ? basisPoints / 100 + " %"
                : String.format(java.util.Locale.ROOT, "%.2f %%", basisPoints / 100.0);
    }

    static String human(Duration d) {
        long s = d.getSeconds();
        if (s % 3600 == 0 && s >= 3600) {
            return s / 3600 + " h";
        }
        if (s % 60 == 0 && s >= 60) {
            return s / 60 + " min";
        }
        return s + " s";
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
