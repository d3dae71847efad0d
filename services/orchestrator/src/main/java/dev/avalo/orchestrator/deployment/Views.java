package dev.avalo.orchestrator.deployment;

import dev.avalo.contracts.deployment.DeploymentView;
import dev.avalo.contracts.deployment.StageView;
import dev.avalo.orchestrator.strategy.Stage;

/** Maps rows to the wire views. */
public final class Views {

    private Views() {
    }

    public static DeploymentView deployment(DeploymentRecord r) {
        DeploymentState s = r.state();
        int index = Math.min(s.stageIndex(), s.plan().stages().size() - 1);
        Stage stage = s.plan().stage(index);
        return new DeploymentView(s.id().toString(), s.service(), s.environment(), s.fromRevision(), s.toRevision(),
                s.phase().name(),
                new StageView(s.stageIndex(), stage.name(), stage.weightBasisPoints(), s.stageStartedAt(),
                        stage.minDurationSeconds(), s.plan().gatesAt(index)),
                r.lastReport(), r.strategy(), s.rollbackSafe(), r.rollbackMillis(), r.createdBy(), r.createdAt(),
                r.updatedAt());
    }
}
