package dev.avalo.notifier.channel.pagerduty;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;

import dev.avalo.contracts.Json;
import dev.avalo.notifier.channel.HttpReplies;
import dev.avalo.notifier.channel.NotificationChannel;
import dev.avalo.notifier.channel.SendResult;
import dev.avalo.notifier.notification.Notification;

/**
 * PagerDuty through the Events API v2 ({@code pagerduty}). One POST per {@link #send}: 202 is delivered (the detail names the
 * dedup key PagerDuty used), 429 waits, 400 is permanent with PagerDuty's {@code message} and {@code errors}, 5xx transient.
 * The routing key is the credential: it goes into the request body and nowhere else.
 */
public final class PagerDutyChannel implements NotificationChannel {

    private final String routingKey;
    private final URI eventsUrl;
    private final String source;
    private final boolean resolveOnRolledBack;
    private final HttpClient http;
    private final Duration timeout;
    private final Duration defaultRetryAfter;
    private final List<String> secrets;

    /**
     * @param routingKey
     *            the Events API v2 integration key (a secret); null or blank leaves the channel unconfigured
     * @param eventsUrl
     *            the enqueue endpoint, {@code https://events.pagerduty.com/v2/enqueue}
     * @param source
     *            {@code payload.source}
     * @param resolveOnRolledBack
     *            send {@code resolve} for {@code rolled-back} (otherwise another trigger with the same dedup key)
     * @param http
     *            the shared client
     * @param timeout
     *            the request timeout of one attempt
     * @param defaultRetryAfter
     *            the wait after a 429 without a readable {@code Retry-After}
     */
    public PagerDutyChannel(String routingKey, URI eventsUrl, String source, boolean resolveOnRolledBack, HttpClient http,
            Duration timeout, Duration defaultRetryAfter) {
        this.routingKey = routingKey == null || routingKey.isBlank() ? null : routingKey.strip();
        this.eventsUrl = Objects.requireNonNull(eventsUrl, "eventsUrl");
        this.source = Objects.requireNonNull(source, "source");
        this.resolveOnRolledBack = resolveOnRolledBack;
        this.http = http;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.defaultRetryAfter = Objects.requireNonNull(defaultRetryAfter, "defaultRetryAfter");
        List<String> s = new ArrayList<>();
        if (this.routingKey != null) {
            s.add(this.routingKey);
        }
        this.secrets = List.copyOf(s);
    }

    @Override
    public String id() {
        return "pagerduty";
    }

    @Override
    public String type() {
        return "pagerduty";
    }

    @Override
    public boolean configured() {
        return routingKey != null;
    }

    @Override
    public SendResult send(Notification notification) {
        if (!configured()) {
            return SendResult.delivered(id() + " not configured: skipped");
        }
        byte[] body = Json.encode(PagerDutyEvents.render(notification, routingKey, source, resolveOnRolledBack));
        HttpRequest request = HttpRequest.newBuilder(eventsUrl)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            return HttpReplies.ioFailure("pagerduty", e, timeout, secrets);
        } catch (InterruptedException e) {
            return HttpReplies.interrupted("pagerduty");
        }
        int status = response.statusCode();
        String raw = HttpReplies.readLimited(response.body());
        String detail = "pagerduty " + status + describe(status, raw);
        return SendResult.ofHttpStatus(status,
                HttpReplies.retryAfter(response.headers().firstValue("Retry-After"), Instant.now()).orElse(null),
                defaultRetryAfter, detail);
    }

    /**
     * The part of a reply worth keeping: {@code " dedup_key=…"} on success, {@code " <message>: <errors>"} on an error in
     * PagerDuty's JSON shape, else the body itself; secrets masked, at most ~200 characters.
     */
    private String describe(int status, String raw) {
        JsonNode json = null;
        try {
            json = raw.isBlank() ? null : Json.mapper().readTree(raw);
        } catch (IOException | RuntimeException notJson) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            String text = HttpReplies.providerText(raw, secrets);
            return text.isEmpty() ? "" : " " + text;
        }
        if (status >= 200 && status < 300) {
            String dedupKey = json.path("dedup_key").asText("");
            String message = json.path("message").asText("");
            String text = (message.isEmpty() ? "" : message) + (dedupKey.isEmpty() ? "" : " dedup_key=" + dedupKey);
            text = HttpReplies.providerText(text, secrets);
            return text.isEmpty() ? "" : " " + text;
        }
        StringBuilder sb = new StringBuilder(json.path("message").asText(""));
        JsonNode errors = json.path("errors");
        if (errors.isArray() && !errors.isEmpty()) {
            List<String> list = new ArrayList<>();
            errors.forEach(e -> list.add(e.isTextual() ? e.asText() : e.toString()));
            sb.append(sb.length() > 0 ? ": " : "").append(String.join("; ", list));
        }
        if (sb.length() == 0) {
            sb.append(raw);
        }
        String text = HttpReplies.providerText(sb.toString(), secrets);
        return text.isEmpty() ? "" : " " + text;
    }

    @Override
    public String toString() {
        return "PagerDutyChannel[" + (configured() ? "configured" : "unconfigured") + ", " + eventsUrl + "]";
    }
}
