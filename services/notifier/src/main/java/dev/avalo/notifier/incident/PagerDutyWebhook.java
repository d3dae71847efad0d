package dev.avalo.notifier.incident;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;

import dev.avalo.contracts.Json;
import dev.avalo.contracts.incident.IncidentEventData;

/**
 * PagerDuty webhooks (v3): signature check and parsing into incident events. Pure: no HTTP, no clock.
 * <p>
 * A delivery is signed in {@code X-PagerDuty-Signature: v1=<hex HMAC-SHA256 of the raw body>}; during a secret rotation the
 * header holds several comma-separated signatures, and any one made with any configured secret is accepted. The body is
 * {@code {"event": {"id", "event_type", "resource_type", "occurred_at", "data": {incident}}}}.
 */
public final class PagerDutyWebhook {

    /** {@link Parsed#kind()} of a triggered or reopened incident. */
    public static final String OPENED = "opened";

    /** {@link Parsed#kind()} of a resolved incident. */
    public static final String RESOLVED = "resolved";

    /** {@link IncidentEventData#openedBy()} of incidents from PagerDuty. */
    public static final String OPENED_BY = "pagerduty";

    private static final String SCHEME = "v1=";
    private static final int SHA256_BYTES = 32;

    private PagerDutyWebhook() {
    }

    /**
     * A webhook event about an incident.
     *
     * @param eventId
     *            the webhook event's id (for dedup)
     * @param kind
     *            {@link #OPENED} or {@link #RESOLVED}
     * @param data
     *            the incident as Avalo describes it
     * @param incidentKey
     *            the incident's {@code incident_key} (the dedup key of the event that opened it, {@code avalo/…} for Avalo's
     *            own), or null
     */
    public record Parsed(String eventId, String kind, IncidentEventData data, String incidentKey) {
    }

    /**
     * True when {@code signatureHeader} holds a {@code v1=} signature of {@code rawBody} made with one of {@code secrets}.
     * False for a missing or malformed header, no usable secret or no match. Compares in constant time.
     */
    public static boolean verify(List<String> secrets, String signatureHeader, byte[] rawBody) {
        if (secrets == null || signatureHeader == null || rawBody == null || signatureHeader.isBlank()) {
            return false;
        }
        List<byte[]> signatures = new ArrayList<>();
        for (String part : signatureHeader.split(",")) {
            String s = part.strip();
            if (!s.startsWith(SCHEME)) {
                continue;
            }
            String hex = s.substring(SCHEME.length());
            if (hex.length() != SHA256_BYTES * 2) {
                continue;
            }
            try {
                signatures.add(HexFormat.of().parseHex(hex));
            } catch (IllegalArgumentException notHex) {
                // skip
            }
        }
        if (signatures.isEmpty()) {
            return false;
        }
        boolean match = false;
        for (String secret : secrets) {
            if (secret == null || secret.isEmpty()) {
                continue;
            }
            byte[] expected = hmac(secret, rawBody);
            for (byte[] signature : signatures) {
                // no early exit: every pair is compared
                match |= MessageDigest.isEqual(expected, signature);
            }
        }
        return match;
    }

    private static byte[] hmac(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /**
     * The incident event in {@code rawBody}: {@code incident.triggered} and {@code incident.reopened} open,
     * {@code incident.resolved} resolves, every other event type (acknowledged, annotated, {@code pagey.ping} …) is empty.
     *
     * @throws IllegalArgumentException
     *             when the body is not a PagerDuty webhook event (not JSON, no {@code event}, no {@code event_type}, an
     *             incident event without {@code data.id} or with an unreadable {@code occurred_at})
     */
    public static Optional<Parsed> parse(byte[] rawBody) {
        JsonNode root;
        try {
            root = rawBody == null ? null : Json.mapper().readTree(rawBody);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a PagerDuty webhook event: the body is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("not a PagerDuty webhook event: the body is not a JSON object");
        }
        JsonNode event = root.get("event");
        if (event == null || !event.isObject()) {
            throw new IllegalArgumentException("not a PagerDuty webhook event: no 'event' object");
        }
        JsonNode type = event.get("event_type");
        if (type == null || !type.isTextual() || type.asText().isBlank()) {
            throw new IllegalArgumentException("not a PagerDuty webhook event: no 'event.event_type'");
        }
        String kind = switch (type.asText()) {
            case "incident.triggered", "incident.reopened" -> OPENED;
            case "incident.resolved" -> RESOLVED;
            default -> null;
        };
        if (kind == null) {
            return Optional.empty();
        }
        JsonNode data = event.path("data");
        String incidentId = text(data, "id");
        if (incidentId == null || incidentId.isBlank()) {
            throw new IllegalArgumentException("PagerDuty " + type.asText() + " event without 'event.data.id'");
        }
        Instant occurredAt = instant(event, "occurred_at");
        Instant openedAt = OPENED.equals(kind) ? occurredAt : instant(data, "created_at");
        Instant resolvedAt = RESOLVED.equals(kind) ? occurredAt : null;
        IncidentEventData incident = new IncidentEventData("pagerduty-" + incidentId, text(data, "title"),
                text(data, "urgency"), List.of(), OPENED_BY, openedAt, resolvedAt);
        return Optional.of(new Parsed(text(event, "id"), kind, incident, text(data, "incident_key")));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || !value.isValueNode() ? null : value.asText();
    }

    private static Instant instant(JsonNode node, String field) {
        String value = text(node, field);
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            String shown = value.length() <= 40 ? value : value.substring(0, 40) + "…";
            throw new IllegalArgumentException("PagerDuty webhook event with an unreadable '" + field + "': " + shown);
        }
    }
}
