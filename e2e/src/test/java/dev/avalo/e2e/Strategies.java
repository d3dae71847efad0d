package dev.avalo.e2e;

import java.util.List;

/**
 * The suite's strategies, saved by name and picked per deployment ({@code "strategy"}), so the production environment's own
 * (seeded) strategy stays untouched. Gate lists are the production strategy's.
 */
final class Strategies {

    static final String[] STAGE1_GATES = {"error-rate", "latency-p95", "success-rate", "no-critical-alerts"};

    /** A canary that stays in its first stage (10 %) until something rolls it back. */
    static final String CANARY = "e2e-canary";

    private Strategies() {
    }

    static void canary(Scenario s) {
        s.strategy(CANARY, 3600, List.of(
                Scenario.stage("canary-10", 1000, 3600, "NONE", STAGE1_GATES),
                Scenario.stage("canary-50", 5000, 3600, "NONE"),
                Scenario.stage("full", 10000, 0, "NONE")));
    }
}
