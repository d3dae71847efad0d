package dev.avalo.orchestrator.checklist;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.avalo.orchestrator.deployment.DeploymentRecord.ChecklistEntry;

/**
 * The strategy document's deployment checklist. Pre-deployment items are attested when a production deployment starts (item id
 * → evidence); during and post items are tracked per deployment, ticked by people or, where the orchestrator knows, by the
 * system.
 */
public final class Checklist {

    public static final String PRE = "pre";
    public static final String DURING = "during";
    public static final String POST = "post";

    /** Item id → text, per phase, in the document's order. */
    public static final Map<String, String> PRE_ITEMS = ordered(
            "tests-passing", "All tests passing (unit, integration, e2e)",
            "security-scan", "Security scan completed",
            "migrations-tested", "Database migrations tested",
            "rollback-plan", "Rollback plan documented",
            "stakeholders-notified", "Stakeholders notified",
            "on-call-assigned", "On-call engineer assigned",
            "blue-tagged-stable", "Blue version tagged and stable",
            "dashboards-prepared", "Monitoring dashboards prepared");

    public static final Map<String, String> DURING_ITEMS = ordered(
            "monitor-deployment-logs", "Monitor deployment logs",
            "watch-alerting-channels", "Watch alerting channels",
            "track-health-metrics", "Track health metrics",
            "verify-canary-routing", "Verify canary routing",
            "check-database-performance", "Check database performance",
            "monitor-user-activity", "Monitor user activity",
            "review-error-logs", "Review error logs",
            "validate-payment-processing", "Validate payment processing");

    public static final Map<String, String> POST_ITEMS = ordered(
            "verify-services-healthy", "Verify all services healthy",
            "check-metric-baselines", "Check metric baselines",
            "review-error-logs-post", "Review error logs",
            "test-critical-user-flows", "Test critical user flows",
            "monitor-24h", "Monitor for 24 hours",
            "update-documentation", "Update documentation",
            "archive-blue", "Archive blue version",
            "post-mortem", "Post-mortem if issues occurred");

    /** Items the orchestrator ticks itself. */
    public static final String TRACK_HEALTH = "track-health-metrics";
    public static final String VERIFY_ROUTING = "verify-canary-routing";
    public static final String SERVICES_HEALTHY = "verify-services-healthy";
    public static final String MONITOR_24H = "monitor-24h";
    public static final String ARCHIVE_BLUE = "archive-blue";

    private Checklist() {
    }

    /** Pre-deployment items missing from {@code attested} (absent or blank evidence). */
    public static List<String> missing(Map<String, String> attested) {
        List<String> missing = new ArrayList<>();
        for (String item : PRE_ITEMS.keySet()) {
            String evidence = attested == null ? null : attested.get(item);
            if (evidence == null || evidence.isBlank()) {
                missing.add(item);
            }
        }
        return missing;
    }

    /** Attested items that are not pre-deployment items. */
    public static List<String> unknown(Map<String, String> attested) {
        if (attested == null) {
            return List.of();
        }
        return attested.keySet().stream().filter(k -> !PRE_ITEMS.containsKey(k)).sorted().toList();
    }

    /** The checklist of a new deployment: pre items as attested, during and post items open. */
    public static Map<String, ChecklistEntry> initial(Map<String, String> attested, String actor, Instant now) {
        Map<String, ChecklistEntry> items = new LinkedHashMap<>();
        PRE_ITEMS.forEach((id, text) -> {
            String evidence = attested == null ? null : attested.get(id);
            boolean done = evidence != null && !evidence.isBlank();
            items.put(id, new ChecklistEntry(PRE, text, done, done ? actor : null, evidence, done ? now : null));
        });
        DURING_ITEMS.forEach((id, text) -> items.put(id, new ChecklistEntry(DURING, text, false, null, null, null)));
        POST_ITEMS.forEach((id, text) -> items.put(id, new ChecklistEntry(POST, text, false, null, null, null)));
        return items;
    }

    /** {@code items} with {@code id} ticked (unchanged when already done or unknown). */
    public static Map<String, ChecklistEntry> tick(Map<String, ChecklistEntry> items, String id, String by,
            String evidence, Instant now) {
        ChecklistEntry e = items.get(id);
        if (e == null || e.done()) {
            return items;
        }
        Map<String, ChecklistEntry> copy = new LinkedHashMap<>(items);
        copy.put(id, new ChecklistEntry(e.phase(), e.item(), true, by, evidence, now));
        return copy;
    }

    public static boolean isKnown(String id) {
        return PRE_ITEMS.containsKey(id) || DURING_ITEMS.containsKey(id) || POST_ITEMS.containsKey(id);
    }

    private static Map<String, String> ordered(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
    }
}
