package dev.avalo.notifier.channel.slack;

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

import dev.avalo.contracts.Json;
import dev.avalo.notifier.channel.HttpReplies;
import dev.avalo.notifier.channel.NotificationChannel;
import dev.avalo.notifier.channel.SendResult;
import dev.avalo.notifier.notification.Notification;

/**
 * A Slack incoming webhook ({@code slack:<name>}). One POST per {@link #send}: 200 is delivered, 429 waits for
 * {@code Retry-After}, the rest is classified by status. Slack's error bodies ({@code invalid_payload}, {@code no_service},
 * {@code channel_is_archived} …) go into the detail; the webhook URL, which is the credential, never does.
 */
public final class SlackChannel implements NotificationChannel {

    private final String name;
    private final URI webhookUrl;
    private final HttpClient http;
    private final Duration timeout;
    private final Duration defaultRetryAfter;
    private final List<String> secrets;

    /**
     * @param name
     *            the Slack channel's name in the configuration ({@code alerts}): the id is {@code slack:<name>}
     * @param webhookUrl
     *            the incoming-webhook URL (a secret); null leaves the channel unconfigured
     * @param http
     *            the shared client
     * @param timeout
     *            the request timeout of one attempt
     * @param defaultRetryAfter
     *            the wait after a 429 without a readable {@code Retry-After}
     */
    public SlackChannel(String name, URI webhookUrl, HttpClient http, Duration timeout, Duration defaultRetryAfter) {
        this.name = Objects.requireNonNull(name, "name");
        this.webhookUrl = webhookUrl;
        this.http = http;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.defaultRetryAfter = Objects.requireNonNull(defaultRetryAfter, "defaultRetryAfter");
        this.secrets = secretsOf(webhookUrl);
    }

    /** Every form of the webhook URL that could show up in a reply: the whole URL, its path, its last path segment. */
    private static List<String> secretsOf(URI url) {
        List<String> secrets = new ArrayList<>();
        if (url == null) {
            return secrets;
        }
        secrets.add(url.toString());
        String path = url.getRawPath();
        if (path != null && path.length() > 1) {
            secrets.add(path);
            String last = path.substring(path.lastIndexOf('/') + 1);
            if (last.length() >= 8) {
                secrets.add(last);
            }
        }
        return List.copyOf(secrets);
    }

    @Override
    public String id() {
        return "slack:" + name;
    }

    @Override
    public String type() {
        return "slack";
    }

    @Override
    public boolean configured() {
        return webhookUrl != null;
    }

    @Override
    public SendResult send(Notification notification) {
        if (!configured()) {
            return SendResult.delivered(id() + " not configured: skipped");
        }
        HttpRequest request = HttpRequest.newBuilder(webhookUrl)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.encode(SlackMessages.render(notification))))
                .build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            return HttpReplies.ioFailure("slack", e, timeout, secrets);
        } catch (InterruptedException e) {
            return HttpReplies.interrupted("slack");
        }
        int status = response.statusCode();
        String text = HttpReplies.providerText(HttpReplies.readLimited(response.body()), secrets);
        String detail = "slack " + status + (text.isEmpty() ? "" : " " + text);
        if (status == 200) {
            return SendResult.delivered(detail);
        }
        return SendResult.ofHttpStatus(status,
                HttpReplies.retryAfter(response.headers().firstValue("Retry-After"), Instant.now()).orElse(null),
                defaultRetryAfter, detail);
    }

    @Override
    public String toString() {
        return "SlackChannel[" + id() + (configured() ? "" : ", unconfigured") + "]";
    }
}
