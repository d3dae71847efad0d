package dev.avalo.health.gate;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Which gates a stage requires, by environment and stage name, as the orchestrator's seeded strategies have them (each stage
 * inherits the earlier stages' gates). A stage this table does not know gets the stage-1 gates, which the strategy applies to
 * every stage ("All Stage 1 metrics").
 */
public final class DefaultStageGates {

    private static final List<String> STAGE1 = List.of("error-rate", "latency-p95", "success-rate", "no-critical-alerts");
    private static final Map<String, List<String>> TABLE;

    static {
        List<String> p10 = concat(STAGE1, List.of("db-query-time", "ai-model-latency", "payment-success"));
        List<String> p25 = concat(p10, List.of("engagement", "revenue", "chat-delivery-latency", "baseline-comparison"));
        List<String> p50 = concat(p25, List.of("system-health", "ab-comparison", "user-feedback"));
        TABLE = Map.of(
                "production.canary-1", STAGE1,
                "production.canary-10", p10,
                "production.canary-25", p25,
                "production.canary-50", p50,
                "production.full", p50,
                "staging.canary-10", STAGE1,
                "staging.canary-50", STAGE1,
                "staging.full", STAGE1,
                "development.direct", List.of("error-rate", "latency-p95"));
    }

    private DefaultStageGates() {
    }

    /** The gates of {@code stage} in {@code environment}; {@code overrides} (same keys) win over the built-in table. */
    public static List<String> of(String environment, String stage, Map<String, List<String>> overrides) {
        String key = environment + "." + stage;
        if (overrides != null && overrides.containsKey(key)) {
            return overrides.get(key);
        }
        return TABLE.getOrDefault(key, STAGE1);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        LinkedHashSet<String> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return new ArrayList<>(all);
    }
}
