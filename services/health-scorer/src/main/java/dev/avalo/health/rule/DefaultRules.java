package dev.avalo.health.rule;

import java.util.List;

/**
 * Every "Automatic Rollback Trigger" of the strategy document, one rule per line, with the document's wording. Any one of them
 * breached rolls the canary back.
 */
public final class DefaultRules {

    /** id, the strategy document's wording, expression. */
    private static final String[][] RULES = {
            // 1. Error Rate
            {"error-rate-3m", "Error rate > 2% for 3 consecutive minutes", "error_rate > 2% for 3m"},
            {"http-5xx-5m", "5xx errors > 1% for 5 minutes", "http_5xx_rate > 1% for 5m"},
            {"db-errors-1m", "Database errors > 10 in 1 minute", "db_errors > 10 in 1m"},
            // 2. Latency
            {"latency-p95-5m", "P95 latency > 1200ms for 5 minutes", "latency_p95 > 1200ms for 5m"},
            {"latency-p99-3m", "P99 latency > 3000ms for 3 minutes", "latency_p99 > 3000ms for 3m"},
            {"median-latency-increase", "Median latency increases by > 50%", "latency_p50 increase > 50% vs stable"},
            // 3. Critical Failures
            {"payment-failures-10m", "Payment processing failures > 1 in 10 minutes", "payment_failures > 1 in 10m"},
            {"auth-failures-2m", "Authentication failures > 5% for 2 minutes", "auth_failure_rate > 5% for 2m"},
            {"ai-moderation-failure", "AI moderation complete failure", "ai_moderation_success == 0 for 1m"},
            {"db-connection-loss", "Database connection loss", "db_connection_up == 0"},
            // 4. Resource Exhaustion
            {"memory-5m", "Memory usage > 90% for 5 minutes", "memory_percent > 90% for 5m"},
            {"cpu-10m", "CPU usage > 85% for 10 minutes", "cpu_percent > 85% for 10m"},
            {"disk-95", "Disk usage > 95%", "disk_percent > 95%"},
            // 5. User Impact
            {"active-users-drop", "Active user count drops by > 20%", "active_users drop > 20% vs baseline"},
            {"session-failures-5m", "Session failures > 10% for 5 minutes", "session_failure_rate > 10% for 5m"},
            {"concurrent-connections-drop", "Concurrent connection drop > 30%",
                    "concurrent_connections drop > 30% vs baseline"},
    };

    private DefaultRules() {
    }

    /** The default rules, parsed with {@code parser}. */
    public static List<RuleDefinition> all(RuleParser parser) {
        return java.util.Arrays.stream(RULES).map(r -> RuleDefinition.of(parser, r[0], r[1], r[2])).toList();
    }
}
