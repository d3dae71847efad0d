package dev.avalo.orchestrator.strategy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The gate names a strategy may use, one per monitoring line of the strategy document. The health-scorer evaluates them; a name
 * outside this list is refused when a strategy is saved.
 */
public final class Gates {

    /** Gate name → what it checks. */
    public static final Map<String, String> KNOWN;

    static {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("error-rate", "error rate < 2%");
        m.put("latency-p95", "P95 latency < 1200 ms");
        m.put("success-rate", "success rate > 98%");
        m.put("no-critical-alerts", "no critical alerts firing");
        m.put("db-query-time", "database query performance within baseline");
        m.put("ai-model-latency", "AI model response time within baseline");
        m.put("payment-success", "payment transaction success rate");
        m.put("engagement", "user engagement within baseline");
        m.put("revenue", "real-time revenue tracking normal");
        m.put("chat-delivery-latency", "chat delivery latency within baseline");
        m.put("baseline-comparison", "performance comparison with the stable baseline");
        m.put("system-health", "complete system health check (CPU, memory, disk, DB connection)");
        m.put("ab-comparison", "A/B metric comparison canary vs stable");
        m.put("user-feedback", "user feedback analysis (session failures, auth failures)");
        KNOWN = Map.copyOf(m);
    }

    /**
     * Gates that compare the canary with the stable over the stage so far. In a stage at 100 % the stable serves no traffic, so
     * the health-scorer has nothing to compare with and they could never pass: they apply up to the last split stage, not at
     * 100 % (nor in the bake).
     */
    public static final Set<String> COMPARED_WITH_STABLE = Set.of("db-query-time", "ai-model-latency",
            "chat-delivery-latency", "engagement", "revenue", "baseline-comparison", "ab-comparison");

    private Gates() {
    }

    public static boolean isKnown(String gate) {
        return KNOWN.containsKey(gate);
    }

    public static Set<String> names() {
        return KNOWN.keySet();
    }
}
