package dev.avalo.notifier.notification;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What people are told, independent of the channel that tells them: rendered once from a CloudEvent by
 * {@link EventInterpreter}, stored with each delivery, and turned into a Slack message, a PagerDuty event or an email by the
 * channels. Deployment fields are null for schedule and incident events.
 *
 * @param eventId
 *            the CloudEvent id (the dedup key together with the channel)
 * @param eventType
 *            the CloudEvent type, e.g. {@code avalo.deployment.rollback.started}
 * @param kind
 *            the short name of the type: {@code rollback.started}, {@code freeze.started}, {@code incident.opened}
 * @param title
 *            one line: {@code "Rollback started: chat-api in production"}
 * @param text
 *            a sentence or two saying what happened and why
 * @param orderKey
 *            notifications with the same key reach a channel in the order their events were published (the deployment id, or
 *            the freeze/incident id)
 * @param reasons
 *            breached rules or failed gates, each with observed value and threshold
 * @param fields
 *            further facts worth showing (actor, strategy, rollback duration, freeze window …), in display order
 * @param summarised
 *            for a summary of notifications held back by a rate limit: the notifications it stands for (otherwise empty)
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Notification(
        String eventId,
        String eventType,
        String kind,
        Severity severity,
        Instant at,
        String title,
        String text,
        String orderKey,
        String service,
        String environment,
        String deploymentId,
        String fromRevision,
        String toRevision,
        String stage,
        Integer weightBasisPoints,
        Double healthScore,
        String verdict,
        List<Reason> reasons,
        Map<String, String> fields,
        String link,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Notification> summarised) {

    public Notification {
        reasons = reasons == null ? List.of() : List.copyOf(reasons);
        fields = fields == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
        summarised = summarised == null ? List.of() : List.copyOf(summarised);
    }

    /** Why: a breached rule or a failed gate with what was observed against what was allowed. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Reason(String rule, String description, Double observed, Double threshold) {

        /** {@code "error-rate-3m: error rate > 2% for 3 consecutive minutes (observed 3.1, threshold 2.0)"}. */
        public String sentence() {
            StringBuilder sb = new StringBuilder(rule == null ? "" : rule);
            if (description != null && !description.isBlank()) {
                sb.append(sb.length() > 0 ? ": " : "").append(description);
            }
            if (observed != null || threshold != null) {
                sb.append(" (observed ").append(Numbers.format(observed)).append(", threshold ")
                        .append(Numbers.format(threshold)).append(')');
            }
            return sb.toString();
        }
    }

    /** True for a summary of held-back notifications. */
    public boolean isSummary() {
        return !summarised.isEmpty();
    }

    /** "10 %" for 1000 basis points, "0.5 %" for 50; null when unknown. */
    public String weightText() {
        return weightBasisPoints == null ? null : Numbers.percent(weightBasisPoints);
    }

    /** "stage canary-10 at 10 %" style text, or null without a stage. */
    public String stageText() {
        if (stage == null) {
            return null;
        }
        return weightBasisPoints == null ? stage : stage + " at " + weightText();
    }

    /** "chat-api-v122 → chat-api-v123", or null when no revisions are known. */
    public String revisionsText() {
        if (fromRevision == null && toRevision == null) {
            return null;
        }
        return (fromRevision == null ? "(none)" : fromRevision) + " → " + (toRevision == null ? "(none)" : toRevision);
    }
}
