package dev.avalo.notifier.channel.pagerduty;

import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.avalo.contracts.Json;
import dev.avalo.notifier.channel.HttpReplies;
import dev.avalo.notifier.notification.Notification;
import dev.avalo.notifier.notification.Severity;

/**
 * Renders a {@link Notification} as a PagerDuty Events API v2 event ({@code POST /v2/enqueue}). A deployment's events share the
 * dedup key {@code avalo/<service>/<environment>/<deploymentId>}, so the alert a rollback opened is resolved when the rollback
 * completes; other events are keyed {@code avalo/<kind>/<orderKey or eventId>}, a summary {@code avalo/summary/<eventId>}.
 */
public final class PagerDutyEvents {

    /** {@code client} of every event. */
    public static final String CLIENT = "Avalo Deploy";

    /** The kind whose notification resolves the deployment's alert. */
    public static final String ROLLED_BACK = "rolled-back";

    static final int MAX_SUMMARY = 1024;
    static final int MAX_DEDUP_KEY = 255;
    static final int SUMMARY_LISTED = 50;

    private PagerDutyEvents() {
    }

    /** {@code trigger} or {@code resolve}. */
    public static String action(Notification n, boolean resolveOnRolledBack) {
        return resolveOnRolledBack && !n.isSummary() && ROLLED_BACK.equals(n.kind()) ? "resolve" : "trigger";
    }

    /** The dedup key of {@code n} (at most 255 characters). */
    public static String dedupKey(Notification n) {
        String key;
        if (n.isSummary()) {
            key = "avalo/summary/" + n.eventId();
        } else if (n.deploymentId() != null && n.service() != null && n.environment() != null) {
            key = "avalo/" + n.service() + "/" + n.environment() + "/" + n.deploymentId();
        } else {
            key = "avalo/" + n.kind() + "/" + (n.orderKey() != null ? n.orderKey() : n.eventId());
        }
        return key.length() <= MAX_DEDUP_KEY ? key : key.substring(0, MAX_DEDUP_KEY);
    }

    /** {@code critical}, {@code warning} or {@code info} (PagerDuty's {@code error} is not used). */
    public static String severity(Severity severity) {
        return switch (severity == null ? Severity.INFO : severity) {
            case CRITICAL -> "critical";
            case WARNING -> "warning";
            case INFO -> "info";
        };
    }

    /**
     * The event body. A {@code resolve} carries only {@code routing_key}, {@code event_action} and {@code dedup_key}.
     *
     * @param routingKey
     *            the integration key (a secret: it goes only into this body)
     * @param source
     *            {@code payload.source}
     */
    public static ObjectNode render(Notification n, String routingKey, String source, boolean resolveOnRolledBack) {
        String action = action(n, resolveOnRolledBack);
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("routing_key", routingKey);
        body.put("event_action", action);
        body.put("dedup_key", dedupKey(n));
        if ("resolve".equals(action)) {
            return body;
        }
        ObjectNode payload = body.putObject("payload");
        String summary = n.isSummary() ? summaryTitle(n) : (n.title() == null ? String.valueOf(n.kind()) : n.title());
        payload.put("summary", HttpReplies.truncate(summary.replaceAll("\\s+", " ").strip(), MAX_SUMMARY));
        payload.put("source", source);
        payload.put("severity", severity(n.severity()));
        if (n.at() != null) {
            payload.put("timestamp", n.at().toString());
        }
        putIfPresent(payload, "component", n.service());
        putIfPresent(payload, "group", n.environment());
        putIfPresent(payload, "class", n.kind());
        payload.set("custom_details", n.isSummary() ? summaryDetails(n) : details(n));
        if (n.link() != null && !n.link().isBlank()) {
            ArrayNode links = body.putArray("links");
            links.addObject().put("href", n.link()).put("text", n.isSummary() ? "View" : "View deployment");
        }
        body.put("client", CLIENT);
        if (n.link() != null && !n.link().isBlank()) {
            body.put("client_url", n.link());
        }
        return body;
    }

    /** "N notifications held back by the rate limit". */
    static String summaryTitle(Notification n) {
        int count = n.summarised().size();
        return count + (count == 1 ? " notification" : " notifications") + " held back by the rate limit";
    }

    private static ObjectNode details(Notification n) {
        ObjectNode d = Json.mapper().createObjectNode();
        putIfPresent(d, "text", n.text());
        putIfPresent(d, "revisions", n.revisionsText());
        putIfPresent(d, "stage", n.stage());
        putIfPresent(d, "weight", n.weightText());
        if (n.healthScore() != null && Double.isFinite(n.healthScore())) {
            d.put("health_score", n.healthScore());
        }
        putIfPresent(d, "verdict", n.verdict());
        if (!n.reasons().isEmpty()) {
            ArrayNode reasons = d.putArray("reasons");
            n.reasons().forEach(r -> reasons.add(r.sentence()));
        }
        if (!n.fields().isEmpty()) {
            ObjectNode fields = d.putObject("fields");
            n.fields().forEach(fields::put);
        }
        putIfPresent(d, "event_id", n.eventId());
        putIfPresent(d, "event_type", n.eventType());
        return d;
    }

    private static ObjectNode summaryDetails(Notification n) {
        ObjectNode d = Json.mapper().createObjectNode();
        putIfPresent(d, "text", n.text());
        d.put("held_back", n.summarised().size());
        ArrayNode list = d.putArray("notifications");
        List<Notification> held = n.summarised();
        for (int i = 0; i < held.size() && i < SUMMARY_LISTED; i++) {
            Notification h = held.get(i);
            list.add(severity(h.severity()) + " " + (h.title() == null ? String.valueOf(h.kind()) : h.title()));
        }
        if (held.size() > SUMMARY_LISTED) {
            list.add("… and " + (held.size() - SUMMARY_LISTED) + " more");
        }
        putIfPresent(d, "event_id", n.eventId());
        return d;
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
