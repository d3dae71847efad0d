package dev.avalo.notifier.channel;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.avalo.notifier.notification.Notification;
import dev.avalo.notifier.notification.Severity;

/** Notifications the channel tests send. */
public final class Samples {

    public static final String LINK = "https://deploy.example.com/deployments/dep-42";
    public static final Instant AT = Instant.parse("2026-11-28T15:04:05Z");

    private Samples() {
    }

    /** A critical rollback of chat-api in production at stage canary-1 (1 %), score 41.2, one breached rule. */
    public static Notification rollbackStarted() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Actor", "alice");
        fields.put("Strategy", "canary-10-50-100");
        return new Notification("evt-1", "avalo.deployment.rollback.started", "rollback.started", Severity.CRITICAL, AT,
                "Rollback started: chat-api in production",
                "Canary v123 breached error-rate-3m at stage canary-1; rolling back to v122.", "dep-42", "chat-api",
                "production", "dep-42", "v122", "v123", "canary-1", 100, 41.2, "ROLLBACK",
                List.of(new Notification.Reason("error-rate-3m", "error rate > 2% for 3 consecutive minutes", 3.1, 2.0)),
                fields, LINK, null);
    }

    /** The rollback of {@link #rollbackStarted()} completed. */
    public static Notification rolledBack() {
        return new Notification("evt-2", "avalo.deployment.rolled-back", "rolled-back", Severity.CRITICAL,
                AT.plusSeconds(40), "Rolled back: chat-api in production", "Traffic is back on v122 after 38 s.", "dep-42",
                "chat-api", "production", "dep-42", "v122", "v123", null, 0, null, null, List.of(),
                Map.of("Rollback duration", "38 s"), LINK, null);
    }

    /** A stage passed: info, no reasons. */
    public static Notification stagePassed() {
        return new Notification("evt-3", "avalo.deployment.stage.passed", "stage.passed", Severity.INFO, AT.minusSeconds(600),
                "Stage passed: chat-api canary-1", "Stage canary-1 passed with score 97.", "dep-42", "chat-api", "production",
                "dep-42", "v122", "v123", "canary-1", 100, 97.0, "PROCEED", List.of(), Map.of(), LINK, null);
    }

    /** A freeze started: warning, no deployment fields at all. */
    public static Notification freezeStarted() {
        return new Notification("evt-4", "avalo.schedule.freeze.started", "freeze.started", Severity.WARNING, AT,
                "Freeze started: end-of-year", "Deployments are frozen until 2027-01-02.", "freeze-7", null, null, null,
                null, null, null, null, null, null, List.of(), Map.of("Window", "2026-12-20 → 2027-01-02"), null, null);
    }

    /** A summary standing for the three notifications above. */
    public static Notification summary() {
        return new Notification("evt-sum-1", "avalo.notifier.summary", "summary", Severity.CRITICAL, AT.plusSeconds(60),
                "3 notifications held back", null, "summary", null, null, null, null, null, null, null, null, null,
                List.of(), Map.of(), null, List.of(rollbackStarted(), stagePassed(), freezeStarted()));
    }
}
