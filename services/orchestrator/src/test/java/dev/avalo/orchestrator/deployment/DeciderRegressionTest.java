package dev.avalo.orchestrator.deployment;

import static dev.avalo.orchestrator.deployment.DeciderFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.avalo.contracts.health.GateResult;
import dev.avalo.contracts.health.Verdict;
import dev.avalo.orchestrator.deployment.DeciderFixtures.Run;
import dev.avalo.orchestrator.strategy.DefaultStrategies;
import dev.avalo.orchestrator.strategy.Strategy;

/** Regressions found in review: a paused bake kept its start; a stage never passes on the report that entered it. */
class DeciderRegressionTest {

    @Test
    void pausingTheBakeDoesNotMoveItsEnd() {
        Run r = Run.production().toBaking();
        Instant bakeStart = r.state.phaseSince();
        Instant bakeEnd = bakeStart.plus(Duration.ofHours(24));
        r.at(bakeStart.plus(Duration.ofHours(1)), new Signal.Pause("dana", null));
        r.at(bakeStart.plus(Duration.ofHours(1)).plus(Duration.ofMinutes(5)), new Signal.Resume("dana", null));
        assertThat(r.state.phase()).isEqualTo(DeploymentPhase.BAKING);
        assertThat(r.state.phaseSince()).as("bake start kept across the pause").isEqualTo(bakeStart);
        for (Instant t = r.now.plus(Duration.ofMinutes(1)); t.isBefore(bakeEnd); t = t.plus(Duration.ofMinutes(1))) {
            r.at(t, health(healthy(t)));
        }
        r.at(bakeEnd, health(healthy(bakeEnd)));
        assertThat(r.state.phase()).isEqualTo(DeploymentPhase.SUCCEEDED);
    }

    @Test
    void aStageIsNotPassedOnTheReportThatEnteredIt() {
        // demo/test timing: production scaled by 60 gives 15 s / 30 s stages, shorter than warnAfter (2 min)
        Strategy plan = DefaultStrategies.production().scaled(60);
        Run r = new Run(pending(plan));
        r.start();
        List<GateResult> stage1Gates = plan.stage(0).gates().stream().map(g -> new GateResult(g, "PASS", 1.0))
                .toList();
        Instant end1 = T0.plusSeconds(15);
        r.at(end1, health(report(95.0, Verdict.PROCEED, List.of(), stage1Gates, end1)));
        assertThat(r.state.stageIndex()).isEqualTo(1);
        // no report arrives during stage 2 (10 %), so its own gates were never evaluated; the sweeper ticks at its end
        Transition t = r.at(end1.plusSeconds(30), tick());
        assertThat(t.route()).as("not promoted to 25 % without a single report at 10 %").isNull();
        assertThat(r.state.stageIndex()).isEqualTo(1);
    }

    @Test
    void aLowScoreWithInsufficientDataHoldsInsteadOfRollingBack() {
        Run r = Run.production();
        r.start();
        Instant at = T0.plusSeconds(60);
        r.at(at, health(report(55.0, Verdict.INSUFFICIENT_DATA, List.of(), List.of(), at)));
        assertThat(r.state.phase()).isEqualTo(DeploymentPhase.RUNNING);
    }
}
