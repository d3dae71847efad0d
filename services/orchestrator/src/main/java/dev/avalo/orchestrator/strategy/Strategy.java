package dev.avalo.orchestrator.strategy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A stage plan for one environment. After the last stage (always 10000 bp) the deployment bakes for {@code bakeSeconds}; the
 * previous stable revision is kept for {@code blueRetentionSeconds}, then archived. {@code promotionScheduleCheck} asks the
 * scheduler before every promotion, not only at start.
 */
@io.quarkus.runtime.annotations.RegisterForReflection
public record Strategy(
        String environment,
        List<Stage> stages,
        long bakeSeconds,
        long blueRetentionSeconds,
        boolean promotionScheduleCheck,
        boolean checklistRequired) {

    public Strategy {
        stages = stages == null ? List.of() : List.copyOf(stages);
    }

    /**
     * The gates that apply in stage {@code index}: its own and every earlier stage's, in order; at 100 % without those that
     * compare with the stable ({@link Gates#COMPARED_WITH_STABLE}), which has no traffic left to compare with.
     */
    public List<String> gatesAt(int index) {
        LinkedHashSet<String> gates = new LinkedHashSet<>();
        for (int i = 0; i <= index && i < stages.size(); i++) {
            gates.addAll(stages.get(i).gates());
        }
        if (index < stages.size() && stages.get(index).weightBasisPoints() >= 10000) {
            gates.removeAll(Gates.COMPARED_WITH_STABLE);
        }
        return new ArrayList<>(gates);
    }

    public Stage stage(int index) {
        return stages.get(index);
    }

    public boolean isLast(int index) {
        return index == stages.size() - 1;
    }

    /** Same plan with every duration divided by {@code factor} (for demos and tests). */
    public Strategy scaled(double factor) {
        if (factor == 1.0) {
            return this;
        }
        List<Stage> scaled = stages.stream()
                .map(s -> new Stage(s.name(), s.weightBasisPoints(), Math.round(s.minDurationSeconds() / factor),
                        s.approval(), s.gates()))
                .toList();
        return new Strategy(environment, scaled, Math.round(bakeSeconds / factor),
                Math.round(blueRetentionSeconds / factor), promotionScheduleCheck, checklistRequired);
    }
}
