package dev.avalo.orchestrator.strategy;

import java.util.List;

/** The strategies of the strategy document, seeded on first start. */
public final class DefaultStrategies {

    private static final long MINUTE = 60;
    private static final long HOUR = 60 * MINUTE;

    private DefaultStrategies() {
    }

    /**
     * Production: 1 %/15 m → 10 %/30 m (approval if any warning) → 25 %/30 m → 50 %/30 m → 100 %, 24 h bake, blue kept 24 h
     * then archived; schedule checked before every promotion; pre-deployment checklist required.
     */
    public static Strategy production() {
        return new Strategy("production", List.of(
                new Stage("canary-1", 100, 15 * MINUTE, ApprovalPolicy.NONE,
                        List.of("error-rate", "latency-p95", "success-rate", "no-critical-alerts")),
                new Stage("canary-10", 1000, 30 * MINUTE, ApprovalPolicy.ON_WARNING,
                        List.of("db-query-time", "ai-model-latency", "payment-success")),
                new Stage("canary-25", 2500, 30 * MINUTE, ApprovalPolicy.NONE,
                        List.of("engagement", "revenue", "chat-delivery-latency", "baseline-comparison")),
                new Stage("canary-50", 5000, 30 * MINUTE, ApprovalPolicy.NONE,
                        List.of("system-health", "ab-comparison", "user-feedback")),
                new Stage("full", 10000, 0, ApprovalPolicy.NONE, List.of())),
                24 * HOUR, 24 * HOUR, true, true);
    }

    /** Staging: 10 % → 50 % → 100 %, 15 m stages, manual approval for every promotion. */
    public static Strategy staging() {
        return new Strategy("staging", List.of(
                new Stage("canary-10", 1000, 15 * MINUTE, ApprovalPolicy.ALWAYS,
                        List.of("error-rate", "latency-p95", "success-rate", "no-critical-alerts")),
                new Stage("canary-50", 5000, 15 * MINUTE, ApprovalPolicy.ALWAYS, List.of()),
                new Stage("full", 10000, 15 * MINUTE, ApprovalPolicy.NONE, List.of())),
                0, 24 * HOUR, false, false);
    }

    /** Development: direct to 100 %, no canary routing, a 5 m watch. */
    public static Strategy development() {
        return new Strategy("development", List.of(
                new Stage("direct", 10000, 5 * MINUTE, ApprovalPolicy.NONE, List.of("error-rate", "latency-p95"))),
                0, 0, false, false);
    }

    public static List<Strategy> all() {
        return List.of(development(), staging(), production());
    }
}
