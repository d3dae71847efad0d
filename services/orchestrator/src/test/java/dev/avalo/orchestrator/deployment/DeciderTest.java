package dev.avalo.orchestrator.deployment;

import static dev.avalo.orchestrator.deployment.DeciderFixtures.ACK_TIMEOUT;
import static dev.avalo.orchestrator.deployment.DeciderFixtures.DECIDER;
import static dev.avalo.orchestrator.deployment.DeciderFixtures.FROM;
import static dev.avalo.orchestrator.deployment.DeciderFixtures.ID;
import static dev.avalo.orchestrator.deployment.DeciderFixtures.PAUSE_AFTER;
import static dev.avalo.orchestrator.deployment.DeciderFixtures.T0;
import static dev.avalo.orchestrator.deployment.DeciderFixtures.TO;
import static dev.avalo.orchestrator.deployment.DeciderFixtures.WARN_AFTER;
import static dev.avalo.orchestrator.deployment.DeciderFixtures.abort;
import static dev.avalo.orchestrator.deployment.DeciderFixtures.allGatesPass;
import static dev.avalo.orchestrator.deployment.DeciderFixtures.approve;
import static dev.avalo.orchestrator.deployment.DeciderFixtures.assertNoop;
import static dev.avalo.orchestrator.deployment.DeciderFixtures.blocked;
import static dev.avalo.orchestrator.deployment.DeciderFixtures.breach;
import static dev.avalo.orchestrator.deployment.DeciderFixtures.emergencyStop;
import static dev.avalo.orchestrator.deployment.DeciderFixtures.forcedRollback;
import static dev.avalo.orchestrator.deployment.DeciderFixtures.health;
import static dev.avalo.orchestrator.deployment.DeciderFixtures.healthy;
import static dev.avalo.orchestrator.deployment.DeciderFixtures.pause;
import static dev.avalo.orchestrator.deployment.DeciderFixtures.pending;
import static dev.avalo.orchestrator.deployment.DeciderFixtures.promote;
import static dev.avalo.orchestrator.deployment.DeciderFixtures.report;
import static dev.avalo.orchestrator.deployment.DeciderFixtures.resume;
import static dev.avalo.orchestrator.deployment.DeciderFixtures.rollback;
import static dev.avalo.orchestrator.deployment.DeciderFixtures.scored;
import static dev.avalo.orchestrator.deployment.DeciderFixtures.tick;
import static dev.avalo.orchestrator.deployment.DeciderFixtures.types;
import static dev.avalo.orchestrator.deployment.DeploymentPhase.ABORTED;
import static dev.avalo.orchestrator.deployment.DeploymentPhase.AWAITING_APPROVAL;
import static dev.avalo.orchestrator.deployment.DeploymentPhase.BAKING;
import static dev.avalo.orchestrator.deployment.DeploymentPhase.FAILED;
import static dev.avalo.orchestrator.deployment.DeploymentPhase.PAUSED;
import static dev.avalo.orchestrator.deployment.DeploymentPhase.PENDING;
import static dev.avalo.orchestrator.deployment.DeploymentPhase.ROLLED_BACK;
import static dev.avalo.orchestrator.deployment.DeploymentPhase.ROLLING_BACK;
import static dev.avalo.orchestrator.deployment.DeploymentPhase.RUNNING;
import static dev.avalo.orchestrator.deployment.DeploymentPhase.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.avalo.contracts.deployment.DeploymentEventType;
import dev.avalo.contracts.health.GateResult;
import dev.avalo.contracts.health.HealthReport;
import dev.avalo.contracts.health.Verdict;
import dev.avalo.orchestrator.deployment.DeciderFixtures.Run;
import dev.avalo.orchestrator.deployment.Transition.RouteIntent;
import dev.avalo.orchestrator.deployment.Transition.SideEffect;
import dev.avalo.orchestrator.strategy.DefaultStrategies;
import dev.avalo.orchestrator.strategy.Strategy;

class DeciderTest {

    private static final Duration MINUTE = Duration.ofMinutes(1);

    // ---- states reached by driving decide() -----------------------------------------------------------------------

    /** A production deployment in {@code index} (0-based), entered through healthy reports. */
    private static Run productionInStage(int index) {
        Run r = Run.production();
        r.start();
        for (int i = 0; i < index; i++) {
            r.passStage();
        }
        assertThat(r.state.phase()).isEqualTo(RUNNING);
        assertThat(r.state.stageIndex()).isEqualTo(index);
        return r;
    }

    /** A run whose state is in {@code phase}, reached through decide() (FAILED, which no signal produces, set directly). */
    private static Run runIn(DeploymentPhase phase) {
        Run r;
        switch (phase) {
            case PENDING :
                r = Run.production();
                break;
            case RUNNING :
                r = Run.production();
                r.start();
                break;
            case PAUSED :
                r = Run.production();
                r.start();
                r.after(MINUTE, pause());
                break;
            case AWAITING_APPROVAL :
                r = new Run(pending(DefaultStrategies.staging()));
                r.start();
                r.passStage();
                break;
            case BAKING :
                r = Run.production().toBaking();
                break;
            case SUCCEEDED :
                r = Run.production().toBaking();
                r.after(MINUTE, promote());
                break;
            case ROLLING_BACK :
                r = Run.production();
                r.start();
                r.after(MINUTE, rollback(RollbackMode.IMMEDIATE));
                r.state = r.state.withRollbackGeneration(7);
                break;
            case ROLLED_BACK :
                r = runIn(ROLLING_BACK);
                r.after(Duration.ofSeconds(1), new Signal.RouterAck("router-a", 7));
                break;
            case ABORTED :
                r = Run.production();
                r.start();
                r.after(MINUTE, abort());
                break;
            case FAILED :
                r = Run.production();
                r.start();
                r.state = r.state.withPhase(FAILED, r.now);
                break;
            default :
                throw new IllegalArgumentException(phase.name());
        }
        assertThat(r.state.phase()).isEqualTo(phase);
        return r;
    }

    // ---- every phase × every signal --------------------------------------------------------------------------------

    enum Kind {
        START(true),
        PROMOTE(true),
        APPROVE(true),
        PAUSE(true),
        RESUME(true),
        ROLLBACK_IMMEDIATE(true),
        ROLLBACK_REVISION(true),
        ABORT(true),
        EMERGENCY_STOP(false),
        HEALTH(false),
        TICK(false),
        ROUTER_ACK(false),
        SCHEDULE_BLOCKED(false);

        /** Manual actions refuse phases that do not allow them; automatic signals (and emergency stop) are no-ops. */
        final boolean refuses;

        Kind(boolean refuses) {
            this.refuses = refuses;
        }

        Signal signal(Instant at) {
            switch (this) {
                case START :
                    return new Signal.Start("dana");
                case PROMOTE :
                    return promote();
                case APPROVE :
                    return approve();
                case PAUSE :
                    return pause();
                case RESUME :
                    return resume();
                case ROLLBACK_IMMEDIATE :
                    return rollback(RollbackMode.IMMEDIATE);
                case ROLLBACK_REVISION :
                    return rollback(RollbackMode.REVISION);
                case ABORT :
                    return abort();
                case EMERGENCY_STOP :
                    return emergencyStop();
                case HEALTH :
                    return health(healthy(at));
                case TICK :
                    return tick();
                case ROUTER_ACK :
                    return new Signal.RouterAck("router-a", 7);
                case SCHEDULE_BLOCKED :
                    return blocked();
                default :
                    throw new IllegalArgumentException(name());
            }
        }
    }

    /** Where each signal does something; everywhere else it is refused (manual) or a no-op (automatic). */
    private static Set<DeploymentPhase> actsIn(Kind kind) {
        switch (kind) {
            case START :
                return EnumSet.of(PENDING);
            case PROMOTE :
                return EnumSet.of(RUNNING, BAKING);
            case APPROVE :
                return EnumSet.of(AWAITING_APPROVAL);
            case PAUSE :
            case SCHEDULE_BLOCKED :
                return EnumSet.of(RUNNING, AWAITING_APPROVAL, BAKING);
            case RESUME :
                return EnumSet.of(PAUSED);
            case ROLLBACK_IMMEDIATE :
            case ROLLBACK_REVISION :
            case EMERGENCY_STOP :
                return EnumSet.of(RUNNING, PAUSED, AWAITING_APPROVAL, BAKING);
            case ABORT :
                return EnumSet.of(PENDING, RUNNING, PAUSED, AWAITING_APPROVAL, BAKING);
            case HEALTH :
                // records the report (no event, no route) in the phases that score
                return EnumSet.of(RUNNING, PAUSED, AWAITING_APPROVAL, BAKING);
            case TICK :
                // one second after entering a phase nothing is due anywhere
                return EnumSet.noneOf(DeploymentPhase.class);
            case ROUTER_ACK :
                return EnumSet.of(ROLLING_BACK);
            default :
                throw new IllegalArgumentException(kind.name());
        }
    }

    static Stream<Arguments> everyPhaseAndSignal() {
        List<Arguments> all = new ArrayList<>();
        for (DeploymentPhase phase : DeploymentPhase.values()) {
            for (Kind kind : Kind.values()) {
                all.add(Arguments.of(phase, kind));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{1} in {0}")
    @MethodSource("everyPhaseAndSignal")
    void everyPhaseTimesEverySignal(DeploymentPhase phase, Kind kind) {
        Run r = runIn(phase);
        DeploymentState before = r.state;
        Instant at = r.now.plusSeconds(1);
        Signal signal = kind.signal(at);
        if (actsIn(kind).contains(phase)) {
            Transition t = DECIDER.decide(before, signal, at);
            if (kind == Kind.HEALTH) {
                assertThat(t.next().phase()).isEqualTo(phase);
                assertThat(t.next().health()).isNotNull();
                assertThat(t.next().health().receivedAt()).isEqualTo(at);
                assertThat(t.events()).isEmpty();
                assertThat(t.route()).isNull();
            } else {
                assertThat(t.isNoop(before)).as("%s must act in %s", kind, phase).isFalse();
                assertThat(t.events()).isNotEmpty();
            }
        } else if (kind.refuses) {
            assertThatThrownBy(() -> DECIDER.decide(before, signal, at))
                    .isInstanceOf(IllegalTransitionException.class).isNotInstanceOf(RollbackUnsafeException.class)
                    .hasMessageNotContaining("null");
        } else {
            assertNoop(DECIDER.decide(before, signal, at), before);
        }
    }

    @ParameterizedTest
    @EnumSource(value = DeploymentPhase.class, names = {"PENDING", "PAUSED", "AWAITING_APPROVAL", "ROLLED_BACK",
            "ABORTED", "FAILED"})
    void phasesWithoutTimersIgnoreTicksForever(DeploymentPhase phase) {
        Run r = runIn(phase);
        for (Duration later : List.of(WARN_AFTER, PAUSE_AFTER, Duration.ofDays(30))) {
            assertNoop(r.peek(r.now.plus(later), tick()), r.state);
        }
        assertThat(DECIDER.deadline(r.state, r.now.plus(Duration.ofDays(30)))).isNull();
    }

    @ParameterizedTest
    @EnumSource(value = DeploymentPhase.class, names = {"PENDING", "SUCCEEDED", "ROLLING_BACK", "ROLLED_BACK",
            "ABORTED", "FAILED"})
    void phasesThatDoNotScoreIgnoreEvenABreach(DeploymentPhase phase) {
        Run r = runIn(phase);
        Instant at = r.now.plusSeconds(5);
        HealthReport bad = report(10.0, Verdict.ROLLBACK, List.of(breach("db_connection_up == 0")), allGatesPass(), at);
        assertNoop(r.peek(at, health(bad)), r.state);
    }

    @ParameterizedTest
    @EnumSource(DeploymentPhase.class)
    void isTerminalAndIsRevertibleAreConsistent(DeploymentPhase phase) {
        assertThat(phase.isTerminal() && phase.isRevertible()).isFalse();
        assertThat(phase.isLive()).isEqualTo(!phase.isTerminal());
        assertThat(DeploymentPhase.live().contains(phase)).isEqualTo(phase.isLive());
    }

    // ---- production: the happy path --------------------------------------------------------------------------------

    @Test
    void productionHappyPathThroughEveryStageBakeAndBlueArchive() {
        Run r = Run.production();
        Strategy plan = r.state.plan();

        Transition started = r.start();
        assertThat(types(started)).containsExactly(DeploymentEventType.CREATED, DeploymentEventType.STAGE_ENTERED);
        assertThat(started.events()).extracting(Transition.Emit::kind).containsOnly("start");
        assertThat(started.events().get(1).reason()).contains("canary-1").contains("1 %");
        assertThat(started.route()).isEqualTo(new RouteIntent.Canary(100));
        assertThat(started.needsScheduleCheck()).isFalse();
        assertThat(r.state.phase()).isEqualTo(RUNNING);
        assertThat(r.state.stageIndex()).isZero();
        assertThat(r.state.stageStartedAt()).isEqualTo(T0);
        assertThat(started.deadline()).isEqualTo(T0.plus(WARN_AFTER));

        int[] weights = {1000, 2500, 5000, 10000};
        String[] names = {"canary-10", "canary-25", "canary-50", "full"};
        for (int i = 0; i < 4; i++) {
            Instant stageEnd = r.stageEnd();
            Transition t = r.passStage();
            // the report one minute before the stage end leaves the stage end as the deadline
            Transition lastHold = r.history.get(r.history.size() - 2);
            assertThat(lastHold.deadline()).as("deadline before leaving stage %d", i + 1).isEqualTo(stageEnd);
            assertThat(r.now).isEqualTo(stageEnd);

            assertThat(types(t)).containsExactly(DeploymentEventType.STAGE_PASSED, DeploymentEventType.STAGE_ENTERED);
            assertThat(t.events()).extracting(Transition.Emit::kind).containsOnly("health");
            assertThat(t.events().get(1).reason()).contains(names[i]).contains(Decider.percent(weights[i]));
            assertThat(t.route()).isEqualTo(new RouteIntent.Canary(weights[i]));
            assertThat(t.needsScheduleCheck()).as("production asks the scheduler before each promotion").isTrue();
            assertThat(t.sideEffect()).isEqualTo(SideEffect.NONE);
            assertThat(r.state.phase()).isEqualTo(RUNNING);
            assertThat(r.state.stageIndex()).isEqualTo(i + 1);
            assertThat(r.state.stageStartedAt()).isEqualTo(stageEnd);
            // the next stage's end, or sooner the time a missing report would raise a warning; a stage without
            // minimum time (100 %) has only the data deadline
            Instant nextEnd = stageEnd.plusSeconds(plan.stage(i + 1).minDurationSeconds());
            assertThat(t.deadline()).isEqualTo(nextEnd.isAfter(stageEnd)
                    ? min(nextEnd, stageEnd.plus(WARN_AFTER))
                    : stageEnd.plus(WARN_AFTER));
        }

        // 100 %: no minimum time, the next healthy report starts the bake
        Transition toBake = r.passStage();
        assertThat(types(toBake)).containsExactly(DeploymentEventType.STAGE_PASSED);
        assertThat(toBake.route()).isNull();
        assertThat(toBake.needsScheduleCheck()).as("entering the bake moves no traffic").isFalse();
        assertThat(r.state.phase()).isEqualTo(BAKING);
        Instant bakeStart = r.now;
        Instant bakeEnd = bakeStart.plus(Duration.ofHours(24));
        assertThat(r.state.phaseSince()).isEqualTo(bakeStart);
        assertThat(toBake.deadline()).isEqualTo(bakeStart.plus(WARN_AFTER));

        for (Instant t = bakeStart.plus(MINUTE); t.isBefore(bakeEnd); t = t.plus(MINUTE)) {
            Transition held = r.at(t, health(healthy(t)));
            assertThat(held.events()).isEmpty();
            assertThat(r.state.phase()).isEqualTo(BAKING);
        }
        assertThat(r.history.get(r.history.size() - 1).deadline()).isEqualTo(bakeEnd);

        Transition done = r.at(bakeEnd, health(healthy(bakeEnd)));
        assertThat(types(done)).containsExactly(DeploymentEventType.SUCCEEDED);
        assertThat(done.events().get(0).kind()).isEqualTo("health");
        assertThat(done.route()).isEqualTo(new RouteIntent.Promoted());
        assertThat(done.sideEffect()).isEqualTo(SideEffect.MARK_STABLE);
        assertThat(done.needsScheduleCheck()).isFalse();
        assertThat(r.state.phase()).isEqualTo(SUCCEEDED);
        Instant archiveAt = bakeEnd.plus(Duration.ofHours(24));
        assertThat(done.deadline()).isEqualTo(archiveAt);

        // the whole story
        List<DeploymentEventType> story = r.history.stream().flatMap(t -> t.events().stream())
                .map(Transition.Emit::type).toList();
        assertThat(story).containsExactly(DeploymentEventType.CREATED, DeploymentEventType.STAGE_ENTERED,
                DeploymentEventType.STAGE_PASSED, DeploymentEventType.STAGE_ENTERED, DeploymentEventType.STAGE_PASSED,
                DeploymentEventType.STAGE_ENTERED, DeploymentEventType.STAGE_PASSED, DeploymentEventType.STAGE_ENTERED,
                DeploymentEventType.STAGE_PASSED, DeploymentEventType.STAGE_ENTERED, DeploymentEventType.STAGE_PASSED,
                DeploymentEventType.SUCCEEDED);
        assertThat(r.history.stream().map(Transition::route).filter(Objects::nonNull).toList()).containsExactly(
                new RouteIntent.Canary(100), new RouteIntent.Canary(1000), new RouteIntent.Canary(2500),
                new RouteIntent.Canary(5000), new RouteIntent.Canary(10000), new RouteIntent.Promoted());

        // blue kept 24 h, then archived once
        assertNoop(r.peek(archiveAt.minusSeconds(1), tick()), r.state);
        Transition archived = r.at(archiveAt, tick());
        assertThat(archived.sideEffect()).isEqualTo(SideEffect.ARCHIVE_BLUE);
        assertThat(archived.events()).isEmpty();
        assertThat(archived.route()).isNull();
        assertThat(r.state.blueArchived()).isTrue();
        assertThat(r.state.phase()).isEqualTo(SUCCEEDED);
        assertThat(archived.deadline()).isNull();
        assertNoop(r.peek(archiveAt.plus(Duration.ofDays(3)), tick()), r.state);
    }

    @Test
    void noPromotionBeforeTheStageMinimumDuration() {
        Run r = productionInStage(0);
        Instant almost = T0.plus(Duration.ofMinutes(15)).minusSeconds(1);
        r.at(T0.plus(Duration.ofMinutes(14)), health(healthy(T0.plus(Duration.ofMinutes(14)))));
        Transition t = r.at(almost, health(healthy(almost)));
        assertThat(t.events()).isEmpty();
        assertThat(r.state.stageIndex()).isZero();
        assertThat(r.state.health().verdict()).isEqualTo(Verdict.PROCEED);
        Transition tickAtEnd = r.after(Duration.ofSeconds(1), tick());
        assertThat(types(tickAtEnd)).containsExactly(DeploymentEventType.STAGE_PASSED,
                DeploymentEventType.STAGE_ENTERED);
        assertThat(tickAtEnd.route()).isEqualTo(new RouteIntent.Canary(1000));
        assertThat(tickAtEnd.needsScheduleCheck()).isTrue();
    }

    @Test
    void aTickAtTheStageEndPromotesOnARecentProceedReport() {
        Run r = productionInStage(0);
        Instant at = T0.plus(Duration.ofMinutes(13)).plusSeconds(30);
        r.at(at, health(healthy(at)));
        Transition t = r.at(T0.plus(Duration.ofMinutes(15)), tick());
        assertThat(types(t)).containsExactly(DeploymentEventType.STAGE_PASSED, DeploymentEventType.STAGE_ENTERED);
        assertThat(r.state.stageIndex()).isEqualTo(1);
    }

    @Test
    void aStaleProceedReportDoesNotPromote() {
        Run r = productionInStage(0);
        Instant at = T0.plus(Duration.ofMinutes(12));
        r.at(at, health(healthy(at)));
        Transition warned = r.at(at.plus(WARN_AFTER), tick());
        assertThat(types(warned)).containsExactly(DeploymentEventType.WARNING);
        Transition t = r.at(T0.plus(Duration.ofMinutes(15)), tick());
        assertThat(t.events()).isEmpty();
        assertThat(t.route()).isNull();
        assertThat(r.state.stageIndex()).isZero();
        assertThat(r.state.phase()).isEqualTo(RUNNING);
    }

    @ParameterizedTest
    @ValueSource(doubles = {89.9, 85, 80})
    void aContinueScoreHoldsTheStagePastItsEnd(double score) {
        Run r = productionInStage(0);
        Instant end = r.stageEnd();
        r.at(end.minus(MINUTE), health(healthy(end.minus(MINUTE))));
        Transition t = r.at(end, health(scored(score, end)));
        assertThat(t.events()).isEmpty();
        assertThat(t.route()).isNull();
        assertThat(r.state.health().verdict()).isEqualTo(Verdict.CONTINUE);
        assertThat(r.state.stageIndex()).isZero();
        assertThat(r.after(Duration.ofSeconds(30), tick()).events()).isEmpty();
        assertThat(r.state.stageIndex()).isZero();
    }

    static Stream<Arguments> gatesThatHold() {
        List<GateResult> base = allGatesPass();
        Function<String, List<GateResult>> without = gate -> base.stream().filter(g -> !g.gate().equals(gate))
                .toList();
        Function<String, List<GateResult>> withStatus = status -> base.stream()
                .map(g -> g.gate().equals("no-critical-alerts") ? new GateResult(g.gate(), status, null) : g)
                .toList();
        return Stream.of(
                Arguments.of("missing", without.apply("no-critical-alerts"), "no-critical-alerts UNKNOWN"),
                Arguments.of("UNKNOWN", withStatus.apply("UNKNOWN"), "no-critical-alerts UNKNOWN"),
                Arguments.of("FAIL", withStatus.apply("FAIL"), "no-critical-alerts FAIL"),
                Arguments.of("lower-case pass", withStatus.apply("pass"), "no-critical-alerts pass"),
                Arguments.of("no gates at all", List.of(), "error-rate UNKNOWN"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gatesThatHold")
    void aGateThatDoesNotPassHoldsTheStage(String label, List<GateResult> gates, String summary) {
        Run r = productionInStage(0);
        Instant end = r.stageEnd();
        r.at(end.minus(MINUTE), health(healthy(end.minus(MINUTE))));
        Transition t = r.at(end, health(report(98.0, Verdict.PROCEED, List.of(), gates, end)));
        assertThat(t.events()).isEmpty();
        assertThat(t.route()).isNull();
        assertThat(r.state.stageIndex()).isZero();
        assertThat(r.state.phase()).isEqualTo(RUNNING);
        assertThat(r.state.health().verdict()).isEqualTo(Verdict.CONTINUE);
        assertThat(r.state.health().summary()).contains(summary);
        // and a tick on that report holds too
        assertThat(r.after(Duration.ofSeconds(30), tick()).events()).isEmpty();
    }

    @Test
    void onlyTheGatesOfTheCurrentAndEarlierStagesCount() {
        Strategy plan = DefaultStrategies.production();
        List<GateResult> stage1Only = plan.stage(0).gates().stream().map(g -> new GateResult(g, "PASS", null))
                .toList();
        Run r = productionInStage(0);
        Instant end = r.stageEnd();
        r.at(end.minus(MINUTE), health(healthy(end.minus(MINUTE))));
        Transition passed = r.at(end, health(report(95.0, Verdict.PROCEED, List.of(), stage1Only, end)));
        assertThat(types(passed)).containsExactly(DeploymentEventType.STAGE_PASSED,
                DeploymentEventType.STAGE_ENTERED);

        // stage 2 needs its own gates and inherits stage 1's
        List<GateResult> stage2Only = plan.stage(1).gates().stream().map(g -> new GateResult(g, "PASS", null))
                .toList();
        List<GateResult> both = new ArrayList<>(stage1Only);
        both.addAll(stage2Only);
        Instant end2 = r.stageEnd();
        for (Instant t = r.now.plus(MINUTE); t.isBefore(end2); t = t.plus(MINUTE)) {
            r.at(t, health(report(95.0, Verdict.PROCEED, List.of(), stage1Only, t)));
        }
        Transition held = r.at(end2, health(report(95.0, Verdict.PROCEED, List.of(), stage1Only, end2)));
        assertThat(held.events()).isEmpty();
        assertThat(r.state.health().summary()).contains("db-query-time UNKNOWN");
        Instant t1 = end2.plus(MINUTE);
        assertThat(r.at(t1, health(report(95.0, Verdict.PROCEED, List.of(), stage2Only, t1))).events()).isEmpty();
        assertThat(r.state.health().summary()).contains("error-rate UNKNOWN");
        Instant t2 = t1.plus(MINUTE);
        Transition promoted = r.at(t2, health(report(95.0, Verdict.PROCEED, List.of(), both, t2)));
        assertThat(promoted.route()).isEqualTo(new RouteIntent.Canary(2500));
    }

    // ---- score bands -----------------------------------------------------------------------------------------------

    static Stream<Arguments> bands() {
        return Stream.of(
                Arguments.of(95.0, Verdict.PROCEED, RUNNING, Verdict.PROCEED),
                Arguments.of(90.0, Verdict.PROCEED, RUNNING, Verdict.PROCEED),
                Arguments.of(89.9, Verdict.PROCEED, RUNNING, Verdict.CONTINUE),
                Arguments.of(85.0, Verdict.CONTINUE, RUNNING, Verdict.CONTINUE),
                Arguments.of(80.0, Verdict.CONTINUE, RUNNING, Verdict.CONTINUE),
                Arguments.of(79.9, Verdict.PAUSE, PAUSED, Verdict.PAUSE),
                Arguments.of(75.0, Verdict.PAUSE, PAUSED, Verdict.PAUSE),
                Arguments.of(70.0, Verdict.PAUSE, PAUSED, Verdict.PAUSE),
                Arguments.of(69.9, Verdict.ROLLBACK, ROLLING_BACK, Verdict.ROLLBACK),
                Arguments.of(65.0, Verdict.ROLLBACK, ROLLING_BACK, Verdict.ROLLBACK),
                Arguments.of(0.0, Verdict.ROLLBACK, ROLLING_BACK, Verdict.ROLLBACK),
                // the worse of the scorer's verdict and the band wins
                Arguments.of(95.0, Verdict.CONTINUE, RUNNING, Verdict.CONTINUE),
                Arguments.of(95.0, Verdict.PAUSE, PAUSED, Verdict.PAUSE),
                Arguments.of(99.0, Verdict.ROLLBACK, ROLLING_BACK, Verdict.ROLLBACK),
                Arguments.of(65.0, Verdict.PROCEED, ROLLING_BACK, Verdict.ROLLBACK));
    }

    @Test
    void aBakeDipUnderProceedStartsTheBakeAgainSaidOnce() {
        // "health score > 90 for 24 hours": a CONTINUE report during the bake starts the 24 hours again
        Run r = productionInStage(4);
        r.passStage();
        assertThat(r.state.phase()).isEqualTo(BAKING);
        Instant bakeStart = r.now;
        Instant ten = bakeStart.plus(Duration.ofHours(10));
        r.at(ten, health(healthy(ten)));
        Instant dip = bakeStart.plus(Duration.ofHours(20));
        Transition first = r.at(dip, health(report(85.0, Verdict.CONTINUE, List.of(), allGatesPass(), dip)));
        assertThat(types(first)).containsExactly(DeploymentEventType.WARNING);
        assertThat(first.events().get(0).reason()).startsWith("bake restarted");
        assertThat(r.state.phaseSince()).isEqualTo(dip);
        Instant dip2 = dip.plus(MINUTE);
        Transition second = r.at(dip2, health(report(86.0, Verdict.CONTINUE, List.of(), allGatesPass(), dip2)));
        assertThat(second.events()).as("said once per dip").isEmpty();
        assertThat(r.state.phaseSince()).isEqualTo(dip2);

        Instant oldEnd = bakeStart.plus(Duration.ofHours(24));
        Transition notYet = r.at(oldEnd, health(healthy(oldEnd)));
        assertThat(types(notYet)).doesNotContain(DeploymentEventType.SUCCEEDED);
        assertThat(r.state.phase()).isEqualTo(BAKING);
        Instant newEnd = dip2.plus(Duration.ofHours(24));
        assertThat(types(r.at(newEnd, health(healthy(newEnd))))).containsExactly(DeploymentEventType.SUCCEEDED);
    }

    @Test
    void aPauseForAFailedGateSaysWhichGateNotTheScoreBand() {
        Run r = productionInStage(0);
        Instant at = T0.plus(MINUTE);
        List<GateResult> gates = new java.util.ArrayList<>(allGatesPass());
        gates.add(new GateResult("revenue", "FAIL", 0.8, null, null, 100L, "revenue per request canary 0.8 vs stable 1.0"));
        Transition t = r.at(at, health(report(98.5, Verdict.PAUSE, List.of(), gates, at)));
        assertThat(r.state.phase()).isEqualTo(PAUSED);
        assertThat(t.events().get(0).reason()).startsWith("stage gate failed: revenue (revenue per request canary 0.8")
                .doesNotContain("warning band");

        Run banded = productionInStage(0);
        Transition w = banded.at(at, health(report(75.0, Verdict.PAUSE, List.of(), allGatesPass(), at)));
        assertThat(w.events().get(0).reason()).startsWith("health score 75.0 is in the warning band");
    }

    @Test
    void aScorerPauseBelowTheRollbackBandPausesInsteadOfRollingBack() {
        // the scorer could not tell a point score of 60 from a healthy one (too few requests) but a gate failed: PAUSE
        Run r = productionInStage(0);
        Instant at = T0.plus(MINUTE);
        List<GateResult> gates = new java.util.ArrayList<>(allGatesPass());
        gates.add(new GateResult("revenue", "FAIL", 0.5, null, null, 40L, "revenue per request canary 0.5 vs stable 1.0"));
        Transition t = r.at(at, health(report(60.0, Verdict.PAUSE, List.of(), gates, at)));
        assertThat(r.state.phase()).isEqualTo(PAUSED);
        assertThat(types(t)).containsExactly(DeploymentEventType.PAUSED);
        assertThat(r.state.health().verdict()).isEqualTo(Verdict.PAUSE);
        // a confident ROLLBACK still rolls back, paused or not
        Instant later = at.plus(MINUTE);
        r.at(later, health(report(60.0, Verdict.ROLLBACK, List.of(), gates, later)));
        assertThat(r.state.phase()).isEqualTo(ROLLING_BACK);
    }

    @ParameterizedTest(name = "score {0} verdict {1} -> {2}")
    @MethodSource("bands")
    void scoreBandsInStageOne(double score, Verdict verdict, DeploymentPhase phase, Verdict effective) {
        Run r = productionInStage(0);
        Instant at = T0.plus(MINUTE);
        Transition t = r.at(at, health(report(score, verdict, List.of(), allGatesPass(), at)));
        assertThat(r.state.phase()).isEqualTo(phase);
        assertThat(r.state.stageIndex()).isZero();
        assertThat(r.state.health().verdict()).isEqualTo(effective);
        assertThat(r.state.health().score()).isEqualTo(score);
        assertThat(r.state.health().receivedAt()).isEqualTo(at);
        switch (phase) {
            case RUNNING :
                assertThat(t.events()).isEmpty();
                assertThat(t.route()).isNull();
                break;
            case PAUSED :
                assertThat(types(t)).containsExactly(DeploymentEventType.PAUSED);
                assertThat(t.events().get(0).kind()).isEqualTo("health-warning");
                assertThat(t.route()).isNull();
                assertThat(r.state.pausedFrom()).isEqualTo(RUNNING);
                assertThat(t.deadline()).isNull();
                break;
            case ROLLING_BACK :
                assertThat(types(t)).containsExactly(DeploymentEventType.ROLLBACK_STARTED);
                assertThat(t.events().get(0).kind()).isEqualTo("health");
                assertThat(t.events().get(0).reason()).startsWith("automatic rollback");
                assertThat(t.route()).isEqualTo(new RouteIntent.StableOnly());
                assertThat(t.deadline()).isEqualTo(at.plus(ACK_TIMEOUT));
                break;
            default :
                throw new AssertionError(phase);
        }
    }

    @Test
    void aLowScoreRollbackNamesTheScore() {
        Run r = productionInStage(0);
        Transition t = r.at(T0.plus(MINUTE), health(scored(65, T0.plus(MINUTE))));
        assertThat(t.events().get(0).reason()).contains("65.0").contains("70");
    }

    @Test
    void anyBreachRollsBackEvenWithAnExcellentScore() {
        Run r = productionInStage(2);
        Instant at = r.now.plus(MINUTE);
        Transition t = r.at(at, health(report(99.0, Verdict.PROCEED,
                List.of(breach("error_rate > 2% for 3m"), breach("payment_failures > 1 in 10m")), allGatesPass(), at)));
        assertThat(r.state.phase()).isEqualTo(ROLLING_BACK);
        assertThat(t.route()).isEqualTo(new RouteIntent.StableOnly());
        assertThat(types(t)).containsExactly(DeploymentEventType.ROLLBACK_STARTED);
        assertThat(t.events().get(0).reason()).contains("error_rate > 2% for 3m")
                .contains("payment_failures > 1 in 10m").contains("observed 3.4").contains("threshold 2.0");
        assertThat(r.state.health().verdict()).isEqualTo(Verdict.ROLLBACK);
    }

    @Test
    void aWarningInStageTwoAsksForApprovalOnceThenPauses() {
        Run r = productionInStage(1);
        Instant entered = r.state.stageStartedAt();
        Transition warned = r.after(MINUTE, health(scored(75, r.now.plus(MINUTE))));
        assertThat(r.state.phase()).isEqualTo(AWAITING_APPROVAL);
        assertThat(r.state.awaiting()).isEqualTo(AwaitReason.WARNING);
        assertThat(types(warned)).containsExactly(DeploymentEventType.APPROVAL_REQUIRED);
        assertThat(warned.events().get(0).kind()).isEqualTo("warning");
        assertThat(warned.events().get(0).reason()).contains("75.0").contains("approval");
        assertThat(warned.route()).isNull();
        assertThat(warned.deadline()).isNull();

        // promote and resume are refused while waiting
        assertThatThrownBy(() -> r.peek(r.now, promote())).isInstanceOf(IllegalTransitionException.class)
                .hasMessageContaining("approval");
        assertThatThrownBy(() -> r.peek(r.now, resume())).isInstanceOf(IllegalTransitionException.class);

        Transition approved = r.after(MINUTE, approve());
        assertThat(types(approved)).containsExactly(DeploymentEventType.APPROVED);
        assertThat(approved.route()).isNull();
        assertThat(r.state.phase()).isEqualTo(RUNNING);
        assertThat(r.state.stageIndex()).isEqualTo(1);
        assertThat(r.state.stageStartedAt()).isEqualTo(entered);
        assertThat(r.state.approvedStage()).isEqualTo(1);
        assertThat(r.state.awaiting()).isNull();

        Transition second = r.after(MINUTE, health(scored(75, r.now.plus(MINUTE))));
        assertThat(r.state.phase()).isEqualTo(PAUSED);
        assertThat(types(second)).containsExactly(DeploymentEventType.PAUSED);
        assertThat(second.events().get(0).kind()).isEqualTo("health-warning");

        r.after(MINUTE, resume());
        assertThat(r.state.phase()).isEqualTo(RUNNING);
        Transition passed = r.passStage();
        assertThat(passed.route()).isEqualTo(new RouteIntent.Canary(2500));
        assertThat(r.now).isEqualTo(entered.plus(Duration.ofMinutes(30)));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2, 3})
    void aWarningInOtherStagesPauses(int stage) {
        Run r = productionInStage(stage);
        Transition t = r.after(MINUTE, health(scored(72, r.now.plus(MINUTE))));
        assertThat(r.state.phase()).isEqualTo(PAUSED);
        assertThat(r.state.pausedFrom()).isEqualTo(RUNNING);
        assertThat(types(t)).containsExactly(DeploymentEventType.PAUSED);
        assertThat(t.events().get(0).kind()).isEqualTo("health-warning");
    }

    @Test
    void aWarningWhileBakingPausesAndResumesToBaking() {
        Run r = Run.production().toBaking();
        Transition t = r.after(MINUTE, health(scored(75, r.now.plus(MINUTE))));
        assertThat(r.state.phase()).isEqualTo(PAUSED);
        assertThat(r.state.pausedFrom()).isEqualTo(BAKING);
        assertThat(t.events().get(0).kind()).isEqualTo("health-warning");
        Transition resumed = r.after(Duration.ofMinutes(5), resume());
        assertThat(types(resumed)).containsExactly(DeploymentEventType.RESUMED);
        assertThat(r.state.phase()).isEqualTo(BAKING);
        assertThat(r.state.pausedFrom()).isNull();
    }

    static Stream<Arguments> liveScoringStates() {
        return Stream.of(
                Arguments.of(RUNNING, (Supplier<Run>) () -> productionInStage(1)),
                Arguments.of(PAUSED, (Supplier<Run>) () -> runIn(PAUSED)),
                Arguments.of(AWAITING_APPROVAL, (Supplier<Run>) () -> runIn(AWAITING_APPROVAL)),
                Arguments.of(BAKING, (Supplier<Run>) () -> runIn(BAKING)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("liveScoringStates")
    void aBreachRollsBackFromEveryScoringPhase(DeploymentPhase phase, Supplier<Run> make) {
        Run r = make.get();
        assertThat(r.state.phase()).isEqualTo(phase);
        Instant at = r.now.plusSeconds(10);
        Transition t = r.at(at, health(report(97.0, Verdict.ROLLBACK, List.of(breach("db_connection_up == 0")),
                allGatesPass(), at)));
        assertThat(r.state.phase()).isEqualTo(ROLLING_BACK);
        assertThat(t.route()).isEqualTo(new RouteIntent.StableOnly());
        assertThat(types(t)).containsExactly(DeploymentEventType.ROLLBACK_STARTED);
        assertThat(t.events().get(0).reason()).contains("db_connection_up == 0");
    }

    @Test
    void aVerdictRollbackWithoutBreachesRollsBack() {
        Run r = productionInStage(0);
        Transition t = r.after(MINUTE, health(report(92.0, Verdict.ROLLBACK, List.of(), allGatesPass(),
                r.now.plus(MINUTE))));
        assertThat(r.state.phase()).isEqualTo(ROLLING_BACK);
        assertThat(t.route()).isEqualTo(new RouteIntent.StableOnly());
    }

    @ParameterizedTest
    @EnumSource(value = DeploymentPhase.class, names = {"PAUSED", "AWAITING_APPROVAL"})
    void aHealthyReportWhilePausedOrWaitingOnlyRecordsTheData(DeploymentPhase phase) {
        Run r = runIn(phase);
        DeploymentState before = r.state;
        Instant at = r.now.plus(Duration.ofHours(2));
        Transition t = r.at(at, health(healthy(at)));
        assertThat(t.events()).isEmpty();
        assertThat(t.route()).isNull();
        assertThat(r.state.phase()).isEqualTo(phase);
        assertThat(r.state.stageIndex()).isEqualTo(before.stageIndex());
        assertThat(r.state.health().receivedAt()).isEqualTo(at);
        assertThat(r.state.dataSince()).isEqualTo(at);
        // a warning-band report does not pause again either
        Transition warn = r.after(MINUTE, health(scored(75, r.now.plus(MINUTE))));
        assertThat(warn.events()).isEmpty();
        assertThat(r.state.phase()).isEqualTo(phase);
    }

    // ---- missing data ----------------------------------------------------------------------------------------------

    @Test
    void insufficientDataHoldsWarnsOnceThenPauses() {
        Run r = productionInStage(0);
        Transition first = r.at(T0.plus(MINUTE), health(report(null, Verdict.INSUFFICIENT_DATA, List.of(), List.of(),
                T0.plus(MINUTE))));
        assertThat(first.events()).isEmpty();
        assertThat(r.state.health()).isNull();
        assertThat(r.state.dataSince()).isEqualTo(T0);
        assertThat(first.deadline()).isEqualTo(T0.plus(WARN_AFTER));
        // a score with INSUFFICIENT_DATA is not usable either
        r.at(T0.plus(Duration.ofSeconds(90)), health(report(96.0, Verdict.INSUFFICIENT_DATA, List.of(),
                allGatesPass(), T0.plus(Duration.ofSeconds(90)))));
        assertThat(r.state.health()).isNull();

        assertNoop(r.peek(T0.plus(WARN_AFTER).minusSeconds(1), tick()), r.state);
        Transition warned = r.at(T0.plus(WARN_AFTER), health(report(null, Verdict.INSUFFICIENT_DATA, List.of(),
                List.of(), T0.plus(WARN_AFTER))));
        assertThat(types(warned)).containsExactly(DeploymentEventType.WARNING);
        assertThat(warned.events().get(0).kind()).isEqualTo("health-missing");
        assertThat(warned.events().get(0).reason()).contains("2 min");
        assertThat(r.state.phase()).isEqualTo(RUNNING);
        assertThat(r.state.warnedMissing()).isTrue();
        assertThat(warned.deadline()).isEqualTo(T0.plus(PAUSE_AFTER));

        // once only
        assertThat(r.at(T0.plus(Duration.ofMinutes(3)), tick()).events()).isEmpty();
        assertThat(r.at(T0.plus(Duration.ofMinutes(9)), tick()).events()).isEmpty();

        Transition paused = r.at(T0.plus(PAUSE_AFTER), tick());
        assertThat(types(paused)).containsExactly(DeploymentEventType.PAUSED);
        assertThat(paused.events().get(0).kind()).isEqualTo("health-missing");
        assertThat(r.state.phase()).isEqualTo(PAUSED);
        assertThat(r.state.pausedFrom()).isEqualTo(RUNNING);
        assertThat(paused.deadline()).isNull();
        assertThat(paused.route()).isNull();
    }

    @Test
    void aLateFirstTickPausesStraightAway() {
        Run r = productionInStage(0);
        Transition t = r.at(T0.plus(Duration.ofMinutes(11)), tick());
        assertThat(types(t)).containsExactly(DeploymentEventType.PAUSED);
        assertThat(r.state.phase()).isEqualTo(PAUSED);
    }

    @Test
    void aUsableReportAfterAWarningResetsTheWait() {
        Run r = productionInStage(0);
        r.at(T0.plus(WARN_AFTER), tick());
        assertThat(r.state.warnedMissing()).isTrue();
        Instant at = T0.plus(Duration.ofMinutes(5));
        Transition t = r.at(at, health(scored(85, at)));
        assertThat(t.events()).isEmpty();
        assertThat(r.state.warnedMissing()).isFalse();
        assertThat(r.state.dataSince()).isEqualTo(at);
        assertThat(t.deadline()).isEqualTo(at.plus(WARN_AFTER));
        assertThat(types(r.at(at.plus(WARN_AFTER), tick()))).containsExactly(DeploymentEventType.WARNING);
    }

    @Test
    void missingDataInStageTwoAsksForApproval() {
        Run r = productionInStage(1);
        Instant entered = r.now;
        assertNoop(r.peek(entered.plus(WARN_AFTER).minusSeconds(1), tick()), r.state);
        Transition t = r.at(entered.plus(WARN_AFTER), tick());
        assertThat(types(t)).containsExactly(DeploymentEventType.WARNING, DeploymentEventType.APPROVAL_REQUIRED);
        assertThat(t.events()).extracting(Transition.Emit::kind).containsExactly("health-missing", "warning");
        assertThat(r.state.phase()).isEqualTo(AWAITING_APPROVAL);
        assertThat(r.state.awaiting()).isEqualTo(AwaitReason.WARNING);
        assertThat(t.deadline()).isNull();
        // nothing more happens while it waits
        assertNoop(r.peek(entered.plus(Duration.ofHours(1)), tick()), r.state);

        r.after(MINUTE, approve());
        assertThat(r.state.phase()).isEqualTo(RUNNING);
        assertThat(r.state.warnedMissing()).isFalse();
        Instant approvedAt = r.now;
        // an approved stage only warns
        Transition again = r.at(approvedAt.plus(WARN_AFTER), tick());
        assertThat(types(again)).containsExactly(DeploymentEventType.WARNING);
        assertThat(r.state.phase()).isEqualTo(RUNNING);
        Transition paused = r.at(approvedAt.plus(PAUSE_AFTER), tick());
        assertThat(types(paused)).containsExactly(DeploymentEventType.PAUSED);
        assertThat(paused.events().get(0).kind()).isEqualTo("health-missing");
    }

    @Test
    void missingDataWhileBakingPausesAndResumesToBaking() {
        Run r = Run.production().toBaking();
        Instant since = r.state.dataSince();
        assertThat(types(r.at(since.plus(WARN_AFTER), tick()))).containsExactly(DeploymentEventType.WARNING);
        assertThat(r.state.phase()).isEqualTo(BAKING);
        Transition paused = r.at(since.plus(PAUSE_AFTER), tick());
        assertThat(paused.events().get(0).kind()).isEqualTo("health-missing");
        assertThat(r.state.pausedFrom()).isEqualTo(BAKING);
        r.after(MINUTE, resume());
        assertThat(r.state.phase()).isEqualTo(BAKING);
        assertThat(r.state.dataSince()).isEqualTo(r.now);
        assertThat(r.state.warnedMissing()).isFalse();
    }

    // ---- staging and development -----------------------------------------------------------------------------------

    @Test
    void stagingAsksForApprovalAtEveryPromotion() {
        Run r = new Run(pending(DefaultStrategies.staging()));
        Transition started = r.start();
        assertThat(started.route()).isEqualTo(new RouteIntent.Canary(1000));

        // a deployer cannot skip the approval
        assertThatThrownBy(() -> r.peek(T0.plus(MINUTE), promote())).isInstanceOf(IllegalTransitionException.class)
                .hasMessageContaining("approv");

        Transition passed = r.passStage();
        assertThat(r.now).isEqualTo(T0.plus(Duration.ofMinutes(15)));
        assertThat(r.state.phase()).isEqualTo(AWAITING_APPROVAL);
        assertThat(r.state.awaiting()).isEqualTo(AwaitReason.PROMOTION);
        assertThat(types(passed)).containsExactly(DeploymentEventType.APPROVAL_REQUIRED);
        assertThat(passed.events().get(0).kind()).isEqualTo("promotion");
        assertThat(passed.route()).isNull();
        assertThatThrownBy(() -> r.peek(r.now, promote())).isInstanceOf(IllegalTransitionException.class);

        Transition approved = r.after(MINUTE, approve());
        assertThat(types(approved)).containsExactly(DeploymentEventType.APPROVED, DeploymentEventType.STAGE_PASSED,
                DeploymentEventType.STAGE_ENTERED);
        assertThat(approved.events().get(1).kind()).isEqualTo("manual");
        assertThat(approved.route()).isEqualTo(new RouteIntent.Canary(5000));
        assertThat(approved.needsScheduleCheck()).isFalse();
        assertThat(r.state.phase()).isEqualTo(RUNNING);
        assertThat(r.state.stageIndex()).isEqualTo(1);

        // stage 2 asks again
        assertThatThrownBy(() -> r.peek(r.now.plus(MINUTE), promote()))
                .isInstanceOf(IllegalTransitionException.class);
        r.passStage();
        assertThat(r.state.phase()).isEqualTo(AWAITING_APPROVAL);
        Transition second = r.after(MINUTE, approve());
        assertThat(second.route()).isEqualTo(new RouteIntent.Canary(10000));

        // 100 % has no approval and no bake: straight to SUCCEEDED after its 15 minutes
        Transition done = r.passStage();
        assertThat(types(done)).containsExactly(DeploymentEventType.STAGE_PASSED, DeploymentEventType.SUCCEEDED);
        assertThat(done.route()).isEqualTo(new RouteIntent.Promoted());
        assertThat(done.sideEffect()).isEqualTo(SideEffect.MARK_STABLE);
        assertThat(r.state.phase()).isEqualTo(SUCCEEDED);
        assertThat(done.deadline()).isEqualTo(r.now.plus(Duration.ofHours(24)));
    }

    @Test
    void stagingWarningPausesRatherThanAsking() {
        Run r = new Run(pending(DefaultStrategies.staging()));
        r.start();
        r.after(MINUTE, health(scored(75, r.now.plus(MINUTE))));
        assertThat(r.state.phase()).isEqualTo(PAUSED);
    }

    @Test
    void developmentGoesDirectlyToFullTrafficWithAFiveMinuteWatch() {
        Run r = new Run(pending(DefaultStrategies.development()));
        Transition started = r.start();
        assertThat(started.route()).isEqualTo(new RouteIntent.Canary(10000));
        Transition done = r.passStage();
        assertThat(r.now).isEqualTo(T0.plus(Duration.ofMinutes(5)));
        assertThat(types(done)).containsExactly(DeploymentEventType.STAGE_PASSED, DeploymentEventType.SUCCEEDED);
        assertThat(done.route()).isEqualTo(new RouteIntent.Promoted());
        assertThat(done.needsScheduleCheck()).isFalse();
        assertThat(r.state.phase()).isEqualTo(SUCCEEDED);
        // no retention: the blue is archived on the next tick
        assertThat(done.deadline()).isEqualTo(r.now);
        Transition archived = r.now(tick());
        assertThat(archived.sideEffect()).isEqualTo(SideEffect.ARCHIVE_BLUE);
        assertThat(archived.deadline()).isNull();
    }

    @Test
    void developmentStillRollsBackOnABadReport() {
        Run r = new Run(pending(DefaultStrategies.development()));
        r.start();
        Transition t = r.after(MINUTE, health(scored(50, r.now.plus(MINUTE))));
        assertThat(t.route()).isEqualTo(new RouteIntent.StableOnly());
        assertThat(r.state.phase()).isEqualTo(ROLLING_BACK);
    }

    // ---- manual actions --------------------------------------------------------------------------------------------

    @Test
    void manualPromoteMovesToTheNextStageWithoutWaiting() {
        Run r = productionInStage(0);
        Transition t = r.after(MINUTE, new Signal.Promote("dana", "looks fine"));
        assertThat(types(t)).containsExactly(DeploymentEventType.STAGE_PASSED, DeploymentEventType.STAGE_ENTERED);
        assertThat(t.events()).extracting(Transition.Emit::kind).containsOnly("manual");
        assertThat(t.events().get(0).reason()).isEqualTo("looks fine");
        assertThat(t.route()).isEqualTo(new RouteIntent.Canary(1000));
        assertThat(t.needsScheduleCheck()).isTrue();
        assertThat(r.state.stageIndex()).isEqualTo(1);
        assertThat(r.state.stageStartedAt()).isEqualTo(r.now);
    }

    @Test
    void manualPromoteFromTheLastStageBakesAndFromBakingSucceeds() {
        Run r = Run.production();
        r.start();
        for (int i = 0; i < 4; i++) {
            r.after(MINUTE, promote());
        }
        assertThat(r.state.stageIndex()).isEqualTo(4);
        Transition bake = r.after(MINUTE, promote());
        assertThat(r.state.phase()).isEqualTo(BAKING);
        assertThat(types(bake)).containsExactly(DeploymentEventType.STAGE_PASSED);
        Transition done = r.after(MINUTE, new Signal.Promote("dana", null));
        assertThat(r.state.phase()).isEqualTo(SUCCEEDED);
        assertThat(types(done)).containsExactly(DeploymentEventType.SUCCEEDED);
        assertThat(done.events().get(0).kind()).isEqualTo("manual");
        assertThat(done.events().get(0).reason()).contains("manual");
        assertThat(done.route()).isEqualTo(new RouteIntent.Promoted());
        assertThat(done.sideEffect()).isEqualTo(SideEffect.MARK_STABLE);
    }

    @ParameterizedTest
    @EnumSource(value = DeploymentPhase.class, names = {"RUNNING", "AWAITING_APPROVAL", "BAKING"})
    void pauseAndResumeReturnToThePausedFromPhase(DeploymentPhase phase) {
        Run r = runIn(phase);
        DeploymentState before = r.state;
        Transition paused = r.after(MINUTE, new Signal.Pause("dana", "checking dashboards"));
        assertThat(types(paused)).containsExactly(DeploymentEventType.PAUSED);
        assertThat(paused.events().get(0).kind()).isEqualTo("manual");
        assertThat(paused.events().get(0).reason()).isEqualTo("checking dashboards");
        assertThat(paused.route()).isNull();
        assertThat(paused.deadline()).isNull();
        assertThat(r.state.pausedFrom()).isEqualTo(phase);
        // a paused deployment cannot be paused or promoted
        assertThatThrownBy(() -> r.peek(r.now, pause())).isInstanceOf(IllegalTransitionException.class);
        assertThatThrownBy(() -> r.peek(r.now, promote())).isInstanceOf(IllegalTransitionException.class)
                .hasMessageContaining("resume");

        Transition resumed = r.after(MINUTE, resume());
        assertThat(types(resumed)).containsExactly(DeploymentEventType.RESUMED);
        assertThat(resumed.route()).isNull();
        assertThat(r.state.phase()).isEqualTo(phase);
        assertThat(r.state.pausedFrom()).isNull();
        assertThat(r.state.stageIndex()).isEqualTo(before.stageIndex());
        assertThat(r.state.stageStartedAt()).isEqualTo(before.stageStartedAt());
        assertThat(r.state.awaiting()).isEqualTo(before.awaiting());
        assertThat(r.state.dataSince()).isEqualTo(r.now);
    }

    @Test
    void immediateRollbackGoesToStableOnly() {
        Run r = productionInStage(2);
        Transition t = r.after(MINUTE, new Signal.Rollback("dana", RollbackMode.IMMEDIATE, null, null, false));
        assertThat(r.state.phase()).isEqualTo(ROLLING_BACK);
        assertThat(t.route()).isEqualTo(new RouteIntent.StableOnly());
        assertThat(types(t)).containsExactly(DeploymentEventType.ROLLBACK_STARTED);
        assertThat(t.events().get(0).kind()).isEqualTo("manual");
        assertThat(t.events().get(0).reason()).contains(FROM).contains("dana");
        assertThat(t.deadline()).isEqualTo(r.now.plus(ACK_TIMEOUT));
        assertThat(r.state.phaseSince()).isEqualTo(r.now);
    }

    @Test
    void previousStageRollbackReturnsToTheStageBeforeAndPauses() {
        Run r = productionInStage(2);
        Transition t = r.after(MINUTE, rollback(RollbackMode.PREVIOUS_STAGE));
        assertThat(r.state.phase()).isEqualTo(PAUSED);
        assertThat(r.state.pausedFrom()).isEqualTo(RUNNING);
        assertThat(r.state.stageIndex()).isEqualTo(1);
        assertThat(r.state.stageStartedAt()).isEqualTo(r.now);
        assertThat(t.route()).isEqualTo(new RouteIntent.Canary(1000));
        assertThat(types(t)).containsExactly(DeploymentEventType.PAUSED);
        assertThat(t.events().get(0).kind()).isEqualTo("rollback-previous-stage");
        assertThat(t.events().get(0).reason()).contains("stage 2").contains("10 %");
        r.after(MINUTE, resume());
        assertThat(r.state.phase()).isEqualTo(RUNNING);
        assertThat(r.state.stageIndex()).isEqualTo(1);
    }

    @Test
    void previousStageRollbackFromBakingReturnsToFiftyPercent() {
        Run r = Run.production().toBaking();
        Transition t = r.after(MINUTE, rollback(RollbackMode.PREVIOUS_STAGE));
        assertThat(t.route()).isEqualTo(new RouteIntent.Canary(5000));
        assertThat(r.state.stageIndex()).isEqualTo(3);
        assertThat(r.state.phase()).isEqualTo(PAUSED);
    }

    @Test
    void previousStageRollbackInTheFirstStageIsRefused() {
        Run r = productionInStage(0);
        assertThatThrownBy(() -> r.peek(r.now.plus(MINUTE), rollback(RollbackMode.PREVIOUS_STAGE)))
                .isInstanceOf(IllegalTransitionException.class).hasMessageContaining("immediate");
        Run dev = new Run(pending(DefaultStrategies.development()));
        dev.start();
        assertThatThrownBy(() -> dev.peek(dev.now, rollback(RollbackMode.PREVIOUS_STAGE)))
                .isInstanceOf(IllegalTransitionException.class);
    }

    @Test
    void revisionRollbackRoutesToTheNamedRevision() {
        Run r = productionInStage(1);
        Transition t = r.after(MINUTE, new Signal.Rollback("dana", RollbackMode.REVISION, "chat-v0", null, false));
        assertThat(r.state.phase()).isEqualTo(ROLLING_BACK);
        assertThat(t.route()).isEqualTo(new RouteIntent.Revision("chat-v0"));
        assertThat(types(t)).containsExactly(DeploymentEventType.ROLLBACK_STARTED);
        assertThat(t.events().get(0).kind()).isEqualTo("manual-revision");
        assertThat(t.events().get(0).reason()).contains("chat-v0");
    }

    @Test
    void abortRevertsToStable() {
        Run r = productionInStage(1);
        Transition t = r.after(MINUTE, new Signal.Abort("dana", "wrong build", false));
        assertThat(r.state.phase()).isEqualTo(ABORTED);
        assertThat(t.route()).isEqualTo(new RouteIntent.StableOnly());
        assertThat(types(t)).containsExactly(DeploymentEventType.ABORTED);
        assertThat(t.events().get(0).reason()).isEqualTo("wrong build");
        assertThat(t.deadline()).isNull();
    }

    @Test
    void abortBeforeStartNeedsNoRoute() {
        DeploymentState s = pending(DefaultStrategies.production());
        Transition t = DECIDER.decide(s, abort(), T0);
        assertThat(t.next().phase()).isEqualTo(ABORTED);
        assertThat(t.route()).isNull();
        assertThat(types(t)).containsExactly(DeploymentEventType.ABORTED);
    }

    @ParameterizedTest
    @EnumSource(value = DeploymentPhase.class, names = {"RUNNING", "PAUSED", "AWAITING_APPROVAL", "BAKING"})
    void emergencyStopRollsBackEveryRevertiblePhase(DeploymentPhase phase) {
        Run r = runIn(phase);
        Transition t = r.after(Duration.ofSeconds(1), emergencyStop());
        assertThat(r.state.phase()).isEqualTo(ROLLING_BACK);
        assertThat(t.route()).isEqualTo(new RouteIntent.StableOnly());
        assertThat(types(t)).containsExactly(DeploymentEventType.EMERGENCY_STOP, DeploymentEventType.ROLLBACK_STARTED);
        assertThat(t.events()).extracting(Transition.Emit::kind).containsOnly("emergency-stop");
        assertThat(t.events()).extracting(Transition.Emit::reason).containsOnly("incident 42");
        assertThat(t.deadline()).isEqualTo(r.now.plus(ACK_TIMEOUT));
    }

    @ParameterizedTest
    @EnumSource(value = DeploymentPhase.class, names = {"SUCCEEDED", "ROLLING_BACK", "ROLLED_BACK", "ABORTED",
            "FAILED"})
    void emergencyStopIsANoopWhereThereIsNothingToRevert(DeploymentPhase phase) {
        Run r = runIn(phase);
        assertNoop(r.peek(r.now.plusSeconds(1), emergencyStop()), r.state);
    }

    // ---- rollback-unsafe deployments (contract migration) ----------------------------------------------------------

    private static Run unsafeInStage(int index) {
        Run r = new Run(pending(DefaultStrategies.production(), false));
        r.start();
        for (int i = 0; i < index; i++) {
            r.passStage();
        }
        return r;
    }

    @ParameterizedTest
    @EnumSource(value = RollbackMode.class, names = {"IMMEDIATE", "REVISION"})
    void unsafeManualRollbackNeedsForce(RollbackMode mode) {
        Run r = unsafeInStage(1);
        assertThatThrownBy(() -> r.peek(r.now.plus(MINUTE), rollback(mode)))
                .isInstanceOf(RollbackUnsafeException.class).hasMessageContaining("force");
        Transition t = r.after(MINUTE, forcedRollback(mode));
        assertThat(r.state.phase()).isEqualTo(ROLLING_BACK);
        assertThat(t.route()).isEqualTo(mode == RollbackMode.IMMEDIATE
                ? new RouteIntent.StableOnly()
                : new RouteIntent.Revision("chat-v0"));
    }

    @Test
    void unsafeAbortNeedsForce() {
        Run r = unsafeInStage(0);
        assertThatThrownBy(() -> r.peek(r.now.plus(MINUTE), abort())).isInstanceOf(RollbackUnsafeException.class);
        Transition t = r.after(MINUTE, new Signal.Abort("alice", "contract", true));
        assertThat(r.state.phase()).isEqualTo(ABORTED);
        assertThat(t.route()).isEqualTo(new RouteIntent.StableOnly());
        // before it started there is nothing to revert: no force needed
        assertThat(DECIDER.decide(pending(DefaultStrategies.production(), false), abort(), T0).next().phase())
                .isEqualTo(ABORTED);
    }

    static Stream<Arguments> unsafeTriggers() {
        return Stream.of(
                Arguments.of("breach with score 99", 99.0, Verdict.PROCEED, List.of(breach("db_errors > 10 in 1m"))),
                Arguments.of("score 65", 65.0, Verdict.ROLLBACK, List.of()),
                Arguments.of("verdict ROLLBACK", 91.0, Verdict.ROLLBACK, List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unsafeTriggers")
    void unsafeAutomaticRollbackPausesInstead(String label, double score, Verdict verdict,
            List<dev.avalo.contracts.health.Breach> breaches) {
        Run r = unsafeInStage(1);
        Instant at = r.now.plus(MINUTE);
        Transition t = r.at(at, health(report(score, verdict, breaches, allGatesPass(), at)));
        assertThat(r.state.phase()).isEqualTo(PAUSED);
        assertThat(r.state.pausedFrom()).isEqualTo(RUNNING);
        assertThat(t.route()).isNull();
        assertThat(types(t)).containsExactly(DeploymentEventType.PAUSED);
        assertThat(t.events().get(0).kind()).isEqualTo("rollback-unsafe");
        assertThat(t.events().get(0).reason()).contains("force");
        assertThat(r.state.health().verdict()).isEqualTo(Verdict.ROLLBACK);

        // another bad report while paused changes nothing visible and keeps the resume target
        Transition again = r.after(MINUTE, health(report(score, verdict, breaches, allGatesPass(), r.now.plus(MINUTE))));
        assertThat(again.events()).isEmpty();
        assertThat(again.route()).isNull();
        assertThat(r.state.phase()).isEqualTo(PAUSED);
        assertThat(r.state.pausedFrom()).isEqualTo(RUNNING);

        // an approver rolls back with force
        Transition forced = r.after(MINUTE, forcedRollback(RollbackMode.IMMEDIATE));
        assertThat(forced.route()).isEqualTo(new RouteIntent.StableOnly());
        assertThat(r.state.phase()).isEqualTo(ROLLING_BACK);
    }

    @Test
    void unsafeBreachWhileAwaitingApprovalPausesAndResumesToAwaiting() {
        Run r = unsafeInStage(1);
        r.after(MINUTE, health(scored(75, r.now.plus(MINUTE))));
        assertThat(r.state.phase()).isEqualTo(AWAITING_APPROVAL);
        Transition t = r.after(MINUTE, health(scored(50, r.now.plus(MINUTE))));
        assertThat(r.state.phase()).isEqualTo(PAUSED);
        assertThat(r.state.pausedFrom()).isEqualTo(AWAITING_APPROVAL);
        assertThat(t.events().get(0).kind()).isEqualTo("rollback-unsafe");
        r.after(MINUTE, resume());
        assertThat(r.state.phase()).isEqualTo(AWAITING_APPROVAL);
        assertThat(r.state.awaiting()).isEqualTo(AwaitReason.WARNING);
    }

    // ---- router acks and the rollback timeout ----------------------------------------------------------------------

    @Test
    void rollbackEndsWhenARouterAcksItsGeneration() {
        Run r = productionInStage(1);
        r.after(MINUTE, rollback(RollbackMode.IMMEDIATE));
        r.state = r.state.withRollbackGeneration(12);
        assertNoop(r.peek(r.now.plusSeconds(1), new Signal.RouterAck("router-a", 11)), r.state);
        assertNoop(r.peek(r.now.plusSeconds(1), new Signal.RouterAck("router-a", 0)), r.state);
        Transition t = r.after(Duration.ofSeconds(2), new Signal.RouterAck("router-b", 12));
        assertThat(r.state.phase()).isEqualTo(ROLLED_BACK);
        assertThat(types(t)).containsExactly(DeploymentEventType.ROLLED_BACK);
        assertThat(t.events().get(0).kind()).isEqualTo("router-ack");
        assertThat(t.events().get(0).reason()).contains("router-b").contains("12");
        assertThat(t.sideEffect()).isEqualTo(SideEffect.MARK_ROLLBACK_REVISION_STABLE);
        assertThat(t.route()).isNull();
        assertThat(t.deadline()).isNull();
        // a later ack changes nothing
        assertNoop(r.peek(r.now.plusSeconds(1), new Signal.RouterAck("router-a", 12)), r.state);
    }

    @Test
    void aNewerGenerationAlsoEndsTheRollback() {
        Run r = runIn(ROLLING_BACK);
        r.after(Duration.ofSeconds(1), new Signal.RouterAck("router-a", 9));
        assertThat(r.state.phase()).isEqualTo(ROLLED_BACK);
    }

    @Test
    void anAckBeforeTheGenerationIsKnownIsIgnored() {
        Run r = productionInStage(0);
        r.after(MINUTE, rollback(RollbackMode.IMMEDIATE));
        assertThat(r.state.rollbackGeneration()).isZero();
        assertNoop(r.peek(r.now.plusSeconds(1), new Signal.RouterAck("router-a", 5)), r.state);
    }

    @Test
    void aRollbackWithoutAckEndsAfterTheTimeoutWithAWarning() {
        Run r = runIn(ROLLING_BACK);
        Instant since = r.state.phaseSince();
        assertThat(DECIDER.deadline(r.state, since)).isEqualTo(since.plus(ACK_TIMEOUT));
        assertNoop(r.peek(since.plus(ACK_TIMEOUT).minusSeconds(1), tick()), r.state);
        Transition t = r.at(since.plus(ACK_TIMEOUT), tick());
        assertThat(r.state.phase()).isEqualTo(ROLLED_BACK);
        assertThat(types(t)).containsExactly(DeploymentEventType.WARNING, DeploymentEventType.ROLLED_BACK);
        assertThat(t.events()).extracting(Transition.Emit::kind).containsExactly("router-ack-timeout", "timeout");
        assertThat(t.events().get(0).reason()).contains("7").contains("30 s");
        assertThat(t.sideEffect()).isEqualTo(SideEffect.MARK_ROLLBACK_REVISION_STABLE);
        assertThat(t.deadline()).isNull();
    }

    // ---- schedule blocks -------------------------------------------------------------------------------------------

    @Test
    void aScheduleBlockPausesAtTheStageBoundary() {
        Run r = productionInStage(0);
        Instant end = r.stageEnd();
        r.at(end.minus(MINUTE), health(healthy(end.minus(MINUTE))));
        DeploymentState before = r.state;
        Transition promotion = r.peek(end, health(healthy(end)));
        assertThat(promotion.needsScheduleCheck()).isTrue();
        // the service re-decides the state before the promotion with the scheduler's refusal
        Transition t = r.at(end, blocked());
        assertThat(r.state.phase()).isEqualTo(PAUSED);
        assertThat(r.state.pausedFrom()).isEqualTo(RUNNING);
        assertThat(r.state.stageIndex()).isEqualTo(before.stageIndex());
        assertThat(t.route()).isNull();
        assertThat(types(t)).containsExactly(DeploymentEventType.PAUSED);
        assertThat(t.events().get(0).kind()).isEqualTo("schedule-blocked");
        assertThat(t.events().get(0).reason()).contains("freeze: Black Friday").contains("outside the deploy window");
    }

    @Test
    void aScheduleBlockWhileAwaitingApprovalResumesToRunning() {
        Run r = runIn(AWAITING_APPROVAL);
        r.after(Duration.ofSeconds(1), blocked());
        assertThat(r.state.pausedFrom()).isEqualTo(RUNNING);
        r.after(MINUTE, resume());
        assertThat(r.state.phase()).isEqualTo(RUNNING);
        assertThat(r.state.awaiting()).isNull();
    }

    @Test
    void aScheduleBlockWhileBakingResumesToBaking() {
        Run r = runIn(BAKING);
        r.after(Duration.ofSeconds(1), blocked());
        assertThat(r.state.pausedFrom()).isEqualTo(BAKING);
        r.after(MINUTE, resume());
        assertThat(r.state.phase()).isEqualTo(BAKING);
    }

    // ---- foreign reports -------------------------------------------------------------------------------------------

    static Stream<Arguments> foreignReports() {
        Instant at = T0.plus(MINUTE);
        return Stream.of(
                Arguments.of("another revision", new HealthReport("chat", "production", "chat-v3", ID.toString(), at,
                        20.0, null, Verdict.ROLLBACK, List.of(breach("x")), List.of(), null)),
                Arguments.of("the stable revision", new HealthReport("chat", "production", FROM, ID.toString(), at,
                        20.0, null, Verdict.ROLLBACK, List.of(), List.of(), null)),
                Arguments.of("another deployment", new HealthReport("chat", "production", TO,
                        UUID.randomUUID().toString(), at, 20.0, null, Verdict.ROLLBACK, List.of(breach("x")), List.of(),
                        null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("foreignReports")
    void reportsForAnotherRevisionOrDeploymentAreIgnored(String label, HealthReport report) {
        Run r = productionInStage(0);
        assertNoop(r.peek(T0.plus(MINUTE), health(report)), r.state);
    }

    @Test
    void aReportWithoutRevisionOrDeploymentIdIsTaken() {
        Run r = productionInStage(0);
        HealthReport anonymous = new HealthReport("chat", "production", null, null, T0.plus(MINUTE), 40.0, null,
                Verdict.ROLLBACK, List.of(), List.of(), null);
        r.at(T0.plus(MINUTE), health(anonymous));
        assertThat(r.state.phase()).isEqualTo(ROLLING_BACK);
    }

    // ---- small pieces ----------------------------------------------------------------------------------------------

    static Stream<Arguments> worstPairs() {
        return Stream.of(
                Arguments.of(Verdict.PROCEED, Verdict.PROCEED, Verdict.PROCEED),
                Arguments.of(Verdict.PROCEED, Verdict.CONTINUE, Verdict.CONTINUE),
                Arguments.of(Verdict.CONTINUE, Verdict.INSUFFICIENT_DATA, Verdict.INSUFFICIENT_DATA),
                Arguments.of(Verdict.INSUFFICIENT_DATA, Verdict.PAUSE, Verdict.PAUSE),
                Arguments.of(Verdict.PAUSE, Verdict.ROLLBACK, Verdict.ROLLBACK),
                Arguments.of(Verdict.PROCEED, Verdict.ROLLBACK, Verdict.ROLLBACK),
                Arguments.of(null, Verdict.PAUSE, Verdict.PAUSE),
                Arguments.of(Verdict.CONTINUE, null, Verdict.CONTINUE),
                Arguments.of(null, null, null));
    }

    @ParameterizedTest(name = "worst({0}, {1}) = {2}")
    @MethodSource("worstPairs")
    void worstPicksTheWorseVerdictEitherWayRound(Verdict a, Verdict b, Verdict expected) {
        assertThat(Decider.worst(a, b)).isEqualTo(expected);
        assertThat(Decider.worst(b, a)).isEqualTo(expected);
    }

    @Test
    void verdictsAreDeclaredBestToWorst() {
        assertThat(Arrays.asList(Verdict.values())).containsExactly(Verdict.PROCEED, Verdict.CONTINUE,
                Verdict.INSUFFICIENT_DATA, Verdict.PAUSE, Verdict.ROLLBACK);
    }

    @Test
    void startingTwiceIsRefused() {
        Run r = productionInStage(0);
        assertThatThrownBy(() -> r.peek(r.now, new Signal.Start("dana")))
                .isInstanceOf(IllegalTransitionException.class).hasMessageContaining("already started");
    }

    @Test
    void decideDoesNotTouchTheGivenState() {
        Run r = productionInStage(1);
        DeploymentState before = r.state;
        DeploymentState copy = new DeploymentState(before.id(), before.service(), before.environment(),
                before.fromRevision(), before.toRevision(), before.plan(), before.phase(), before.stageIndex(),
                before.stageStartedAt(), before.pausedFrom(), before.awaiting(), before.approvedStage(),
                before.health(), before.dataSince(), before.warnedMissing(), before.phaseSince(),
                before.rollbackSafe(), before.rollbackGeneration(), before.blueArchived());
        DECIDER.decide(before, health(scored(50, r.now.plus(MINUTE))), r.now.plus(MINUTE));
        DECIDER.decide(before, rollback(RollbackMode.IMMEDIATE), r.now.plus(MINUTE));
        assertThat(before).isEqualTo(copy);
    }

    @Test
    void sameInputsSameTransition() {
        Run r = productionInStage(0);
        Instant end = r.stageEnd();
        r.at(end.minus(MINUTE), health(healthy(end.minus(MINUTE))));
        assertThat(r.peek(end, tick())).isEqualTo(r.peek(end, tick()));
    }

    @Test
    void percentAndHumanFormatting() {
        assertThat(Decider.percent(100)).isEqualTo("1 %");
        assertThat(Decider.percent(10000)).isEqualTo("100 %");
        assertThat(Decider.percent(125)).isEqualTo("1.25 %");
        assertThat(Decider.human(Duration.ofHours(24))).isEqualTo("24 h");
        assertThat(Decider.human(Duration.ofMinutes(15))).isEqualTo("15 min");
        assertThat(Decider.human(Duration.ofSeconds(90))).isEqualTo("90 s");
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
