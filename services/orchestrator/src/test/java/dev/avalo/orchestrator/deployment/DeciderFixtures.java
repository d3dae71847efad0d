package dev.avalo.orchestrator.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.avalo.contracts.deployment.DeploymentEventType;
import dev.avalo.contracts.health.Breach;
import dev.avalo.contracts.health.GateResult;
import dev.avalo.contracts.health.HealthReport;
import dev.avalo.contracts.health.SampleCounts;
import dev.avalo.contracts.health.Verdict;
import dev.avalo.orchestrator.strategy.DefaultStrategies;
import dev.avalo.orchestrator.strategy.Gates;
import dev.avalo.orchestrator.strategy.Strategy;

/** Shared builders for the pure lifecycle tests: settings, health reports and a small driver that threads state and time. */
final class DeciderFixtures {

    static final Instant T0 = Instant.parse("2025-03-04T18:00:00Z");
    static final Duration WARN_AFTER = Duration.ofMinutes(2);
    static final Duration PAUSE_AFTER = Duration.ofMinutes(10);
    static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);
    static final Decider.Settings SETTINGS = new Decider.Settings(WARN_AFTER, PAUSE_AFTER, ACK_TIMEOUT, 90, 80, 70);
    static final Decider DECIDER = new Decider(SETTINGS);

    static final UUID ID = UUID.fromString("6f1c2a4e-0b7d-4c1e-9a53-2d8e5f7a9b10");
    static final String SERVICE = "chat";
    static final String FROM = "chat-v1";
    static final String TO = "chat-v2";

    private DeciderFixtures() {
    }

    static DeploymentState pending(Strategy plan) {
        return pending(plan, true);
    }

    static DeploymentState pending(Strategy plan, boolean rollbackSafe) {
        return DeploymentState.pending(ID, SERVICE, plan.environment(), FROM, TO, plan, rollbackSafe, T0);
    }

    /** Every known gate passing. */
    static List<GateResult> allGatesPass() {
        return Gates.names().stream().sorted().map(g -> new GateResult(g, "PASS", 1.0)).toList();
    }

    static HealthReport report(Double score, Verdict verdict, List<Breach> breaches, List<GateResult> gates, Instant at) {
        return new HealthReport(SERVICE, "production", TO, ID.toString(), at, score, null, verdict, breaches, gates,
                new SampleCounts(5000, 500000));
    }

    /** A report with {@code score}, the verdict the scorer would give for that band, every gate passing. */
    static HealthReport scored(double score, Instant at) {
        Verdict v = score >= 90
                ? Verdict.PROCEED
                : score >= 80 ? Verdict.CONTINUE : score >= 70 ? Verdict.PAUSE : Verdict.ROLLBACK;
        return report(score, v, List.of(), allGatesPass(), at);
    }

    static HealthReport healthy(Instant at) {
        return scored(95, at);
    }

    static Breach breach(String description) {
        return new Breach("error-rate-sustained", description, 3.4, 2.0, T0);
    }

    static Signal.Health health(HealthReport r) {
        return new Signal.Health(r);
    }

    static Signal.Tick tick() {
        return new Signal.Tick();
    }

    static Signal.Promote promote() {
        return new Signal.Promote("dana", null);
    }

    static Signal.Approve approve() {
        return new Signal.Approve("alice", null);
    }

    static Signal.Pause pause() {
        return new Signal.Pause("dana", null);
    }

    static Signal.Resume resume() {
        return new Signal.Resume("dana", null);
    }

    static Signal.Rollback rollback(RollbackMode mode) {
        return new Signal.Rollback("dana", mode, mode == RollbackMode.REVISION ? "chat-v0" : null, null, false);
    }

    static Signal.Rollback forcedRollback(RollbackMode mode) {
        return new Signal.Rollback("alice", mode, mode == RollbackMode.REVISION ? "chat-v0" : null, "contract",
                true);
    }

    static Signal.Abort abort() {
        return new Signal.Abort("dana", null, false);
    }

    static Signal.EmergencyStop emergencyStop() {
        return new Signal.EmergencyStop("alice", "incident 42");
    }

    static Signal.ScheduleBlocked blocked() {
        return new Signal.ScheduleBlocked("system", List.of("freeze: Black Friday", "outside the deploy window"));
    }

    static List<DeploymentEventType> types(Transition t) {
        return t.events().stream().map(Transition.Emit::type).toList();
    }

    static void assertNoop(Transition t, DeploymentState before) {
        assertThat(t.next()).isEqualTo(before);
        assertThat(t.events()).isEmpty();
        assertThat(t.route()).isNull();
        assertThat(t.sideEffect()).isEqualTo(Transition.SideEffect.NONE);
        assertThat(t.needsScheduleCheck()).isFalse();
        assertThat(t.isNoop(before)).isTrue();
    }

    /** Threads the state and the clock through {@link Decider#decide}; remembers every transition. */
    static final class Run {
        final Decider decider;
        DeploymentState state;
        Instant now;
        final List<Transition> history = new ArrayList<>();

        Run(DeploymentState state) {
            this(DECIDER, state);
        }

        Run(Decider decider, DeploymentState state) {
            this.decider = decider;
            this.state = state;
            this.now = state.phaseSince();
        }

        static Run production() {
            return new Run(pending(DefaultStrategies.production()));
        }

        Transition at(Instant when, Signal signal) {
            Transition t = decider.decide(state, signal, when);
            now = when;
            state = t.next();
            history.add(t);
            return t;
        }

        Transition after(Duration dt, Signal signal) {
            return at(now.plus(dt), signal);
        }

        Transition now(Signal signal) {
            return at(now, signal);
        }

        Transition start() {
            return now(new Signal.Start("dana"));
        }

        /** Decides without moving the run on. */
        Transition peek(Instant when, Signal signal) {
            return decider.decide(state, signal, when);
        }

        Instant stageEnd() {
            return state.stageStartedAt().plusSeconds(state.plan().stage(state.stageIndex()).minDurationSeconds());
        }

        /**
         * Sends a healthy report every minute until the current stage's minimum duration is over, asserting each one holds the
         * stage, and returns the transition of the report at the stage end.
         */
        Transition passStage() {
            int index = state.stageIndex();
            Instant end = stageEnd();
            for (Instant t = now.plus(Duration.ofMinutes(1)); t.isBefore(end); t = t.plus(Duration.ofMinutes(1))) {
                Transition held = at(t, health(healthy(t)));
                assertThat(held.events()).as("hold at %s", t).isEmpty();
                assertThat(held.route()).isNull();
                assertThat(state.phase()).isEqualTo(DeploymentPhase.RUNNING);
                assertThat(state.stageIndex()).isEqualTo(index);
            }
            Instant at = end.isAfter(now) ? end : now.plus(Duration.ofMinutes(1));
            return at(at, health(healthy(at)));
        }

        /** Drives a production deployment to BAKING by manual promotions. */
        Run toBaking() {
            if (state.phase() == DeploymentPhase.PENDING) {
                start();
            }
            while (state.phase() == DeploymentPhase.RUNNING) {
                after(Duration.ofMinutes(1), promote());
            }
            assertThat(state.phase()).isEqualTo(DeploymentPhase.BAKING);
            return this;
        }
    }
}
