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

    /**
     * The production plan compressed: the production strategy's stages, gates (inherited), approval policy and schedule check,
     * with seconds instead of minutes and larger shares (10/25/50/75 %) so each stage's gates can be proven by the traffic a CI
     * machine can send in seconds (the payment-success gate needs a few hundred payments).
     */
    static final String PROMOTE = "e2e-promote";

    /** Three short stages with the stage-1 gates, a short bake: a deployment that completes in about a minute. */
    static final String SHORT = "e2e-short";

    private Strategies() {
    }

    static void promote(Scenario s) {
        s.strategy(PROMOTE, 10, List.of(
                Scenario.stage("canary-10", 1000, 12, "NONE", STAGE1_GATES),
                Scenario.stage("canary-25", 2500, 12, "ON_WARNING", "db-query-time", "ai-model-latency", "payment-success"),
                Scenario.stage("canary-50", 5000, 12, "NONE", "engagement", "revenue", "chat-delivery-latency",
                        "baseline-comparison"),
                Scenario.stage("canary-75", 7500, 12, "NONE", "system-health", "ab-comparison", "user-feedback"),
                Scenario.stage("full", 10000, 0, "NONE")));
    }

    static void short_(Scenario s) {
        s.strategy(SHORT, 5, List.of(
                Scenario.stage("canary-10", 1000, 10, "NONE", STAGE1_GATES),
                Scenario.stage("canary-50", 5000, 10, "NONE"),
                Scenario.stage("full", 10000, 0, "NONE")));
    }

    static void canary(Scenario s) {
        s.strategy(CANARY, 3600, List.of(
                Scenario.stage("canary-10", 1000, 3600, "NONE", STAGE1_GATES),
                Scenario.stage("canary-50", 5000, 3600, "NONE"),
                Scenario.stage("full", 10000, 0, "NONE")));
    }
}
