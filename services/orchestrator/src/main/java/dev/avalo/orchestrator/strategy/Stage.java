package dev.avalo.orchestrator.strategy;

import java.util.List;

/**
 * One stage of a strategy: the canary's share of traffic in basis points, how long it must hold at least, whether leaving it
 * needs approval, and the gates first required at this stage (later stages inherit them).
 */
@io.quarkus.runtime.annotations.RegisterForReflection
public record Stage(String name, int weightBasisPoints, long minDurationSeconds, ApprovalPolicy approval,
        List<String> gates) {

    public Stage {
        gates = gates == null ? List.of() : List.copyOf(gates);
        approval = approval == null ? ApprovalPolicy.NONE : approval;
    }
}
