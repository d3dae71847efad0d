package dev.avalo.notifier.channel.slack;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.avalo.notifier.channel.HttpReplies;
import dev.avalo.notifier.channel.NotificationChannel;
import dev.avalo.notifier.channel.NotificationChannelContract;
import dev.avalo.notifier.channel.Samples;
import dev.avalo.notifier.channel.SendResult;
import dev.avalo.notifier.notification.Notification;
import dev.avalo.notifier.notification.Severity;

class SlackChannelTest extends NotificationChannelContract {

    static final String TOKEN = "xT0k3nS3cr3tW3bh00kAbCdEf";
    static final String PATH = "/services/T0001/B0001/" + TOKEN;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    WireMockServer slack;
    final List<SendResult> results = new ArrayList<>();

    @BeforeEach
    void startSlack() {
        slack = new WireMockServer(options().dynamicPort());
        slack.start();
        slack.stubFor(post(PATH).willReturn(ok("ok").withHeader("Content-Type", "text/plain")));
    }

    @AfterEach
    void stopSlack() {
        try {
            for (SendResult result : results) {
                assertNoSecret(result);
            }
        } finally {
            slack.stop();
        }
    }

    URI webhook() {
        return URI.create(slack.baseUrl() + PATH);
    }

    SlackChannel slackChannel(Duration timeout) {
        return new SlackChannel("alerts", webhook(), HTTP, timeout, Duration.ofSeconds(30));
    }

    SendResult send(Notification n) {
        SendResult result = slackChannel(Duration.ofSeconds(5)).send(n);
        results.add(result);
        return result;
    }

    @Override
    protected NotificationChannel channel() {
        return slackChannel(Duration.ofSeconds(5));
    }

    @Override
    protected NotificationChannel unconfiguredChannel() {
        return new SlackChannel("alerts", null, HTTP, Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    @Override
    protected String expectedType() {
        return "slack";
    }

    @Override
    protected List<String> secrets() {
        return List.of(webhook().toString(), PATH, TOKEN);
    }

    @Override
    protected int providerCalls() {
        return slack.getAllServeEvents().size();
    }

    @Test
    void idNamesTheSlackChannel() {
        assertThat(channel().id()).isEqualTo("slack:alerts");
    }

    @Test
    void postsTheExactBlockKitMessage() {
        SendResult result = send(Samples.rollbackStarted());

        assertThat(result).isEqualTo(SendResult.delivered("slack 200 ok"));
        slack.verify(1, postRequestedFor(urlEqualTo(PATH))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson(
                        """
                                {
                                  "text": "Rollback started: chat-api in production",
                                  "blocks": [
                                    {"type": "header",
                                     "text": {"type": "plain_text", "text": ":rotating_light: Rollback started: chat-api in production", "emoji": true}},
                                    {"type": "section",
                                     "text": {"type": "mrkdwn", "text": "Canary v123 breached error-rate-3m at stage canary-1; rolling back to v122."}},
                                    {"type": "section",
                                     "fields": [
                                       {"type": "mrkdwn", "text": "*Service*\\nchat-api"},
                                       {"type": "mrkdwn", "text": "*Environment*\\nproduction"},
                                       {"type": "mrkdwn", "text": "*Revisions*\\nv122 → v123"},
                                       {"type": "mrkdwn", "text": "*Stage*\\ncanary-1 at 1 %"},
                                       {"type": "mrkdwn", "text": "*Health score*\\n41.2"},
                                       {"type": "mrkdwn", "text": "*Verdict*\\nROLLBACK"}
                                     ]},
                                    {"type": "section",
                                     "text": {"type": "mrkdwn", "text": "*Reasons*\\n• error-rate-3m: error rate &gt; 2% for 3 consecutive minutes (observed 3.1, threshold 2)"}},
                                    {"type": "context",
                                     "elements": [
                                       {"type": "mrkdwn", "text": "*Actor*: alice"},
                                       {"type": "mrkdwn", "text": "*Strategy*: canary-10-50-100"}
                                     ]},
                                    {"type": "actions",
                                     "elements": [
                                       {"type": "button", "text": {"type": "plain_text", "text": "View deployment"},
                                        "url": "https://deploy.example.com/deployments/dep-42"}
                                     ]}
                                  ]
                                }
                                """,
                        false, false)));
    }

    @Test
    void postsASummaryOfHeldBackNotifications() {
        assertThat(send(Samples.summary())).isInstanceOf(SendResult.Delivered.class);

        slack.verify(1,
                postRequestedFor(urlEqualTo(PATH)).withRequestBody(equalToJson(
                        """
                                {
                                  "text": "3 notifications held back by the rate limit",
                                  "blocks": [
                                    {"type": "header",
                                     "text": {"type": "plain_text", "text": ":rotating_light: 3 notifications held back by the rate limit", "emoji": true}},
                                    {"type": "section",
                                     "text": {"type": "mrkdwn", "text": "• *critical* Rollback started: chat-api in production\\n• *info* Stage passed: chat-api canary-1\\n• *warning* Freeze started: end-of-year"}}
                                  ]
                                }
                                """,
                        false, false)));
    }

    @Test
    void summaryListsTwentyAndCountsTheRest() {
        List<Notification> held = new ArrayList<>();
        for (int i = 1; i <= 23; i++) {
            held.add(new Notification("e" + i, "t", "stage.passed", Severity.INFO, Samples.AT, "Title " + i, null, null,
                    null, null, null, null, null, null, null, null, null, null, null, null, null));
        }
        Notification summary = new Notification("evt-s", "t", "summary", Severity.INFO, Samples.AT, "x", null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, held);

        String list = SlackMessages.render(summary).path("blocks").path(1).path("text").path("text").asText();

        assertThat(list.split("\n")).hasSize(21);
        assertThat(list).startsWith("• *info* Title 1\n").contains("• *info* Title 20\n")
                .doesNotContain("Title 21").endsWith("\n… and 3 more");
        assertThat(SlackMessages.render(summary).path("blocks").path(0).path("text").path("text").asText())
                .isEqualTo(":information_source: 23 notifications held back by the rate limit");
    }

    @Test
    void headerIsCutTo150CharactersAndMrkdwnIsEscaped() {
        Notification n = new Notification("e", "t", "freeze.started", Severity.WARNING, Samples.AT, "x".repeat(400),
                "<!channel> see <https://evil.example|here> & more", null, null, null, null, null, null, null, null, null,
                null, null, null, null, null);

        var body = SlackMessages.render(n);

        String header = body.path("blocks").path(0).path("text").path("text").asText();
        assertThat(header).hasSize(150).startsWith(":warning: xxx").endsWith("x…");
        assertThat(body.path("blocks").path(1).path("text").path("text").asText())
                .isEqualTo("&lt;!channel&gt; see &lt;https://evil.example|here&gt; &amp; more");
        assertThat(body.path("blocks")).hasSize(2);
    }

    @Test
    void reasonsSectionIsCutTo3000Characters() {
        List<Notification.Reason> reasons = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            reasons.add(new Notification.Reason("rule-" + i, "y".repeat(60), 1.0, 2.0));
        }
        Notification n = new Notification("e", "t", "rollback.started", Severity.CRITICAL, Samples.AT, "T", null, null,
                null, null, null, null, null, null, null, null, null, reasons, null, null, null);

        String text = SlackMessages.render(n).path("blocks").path(1).path("text").path("text").asText();

        assertThat(text).hasSize(3000).startsWith("*Reasons*\n• rule-0: yyy").endsWith("…");
    }

    @Test
    void tooManyFieldsAreFoldedIntoTheTenthContextElement() {
        java.util.Map<String, String> fields = new java.util.LinkedHashMap<>();
        for (int i = 1; i <= 12; i++) {
            fields.put("k" + i, "v" + i);
        }
        Notification n = new Notification("e", "t", "created", Severity.INFO, Samples.AT, "T", null, null, null, null,
                null, null, null, null, null, null, null, null, fields, null, null);

        var elements = SlackMessages.render(n).path("blocks").path(1).path("elements");

        assertThat(elements).hasSize(10);
        assertThat(elements.path(8).path("text").asText()).isEqualTo("*k9*: v9");
        assertThat(elements.path(9).path("text").asText()).isEqualTo("*k10*: v10 · *k11*: v11 · *k12*: v12");
    }

    @Test
    void aLinkSlackWouldRefuseAsAButtonIsShownAsText() {
        Notification n = new Notification("e", "t", "created", Severity.INFO, Samples.AT, "T", null, null, null, null,
                null, null, null, null, null, null, null, null, null, "javascript:alert(1)", null);

        var blocks = SlackMessages.render(n).path("blocks");

        assertThat(blocks).hasSize(2);
        assertThat(blocks.path(1).path("type").asText()).isEqualTo("section");
        assertThat(blocks.path(1).path("text").path("text").asText()).isEqualTo("*Link*\njavascript:alert(1)");
    }

    @Test
    void rateLimitedWaitsForRetryAfter() {
        slack.stubFor(post(PATH).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7")
                .withBody("rate_limited")));

        assertThat(send(Samples.rollbackStarted()))
                .isEqualTo(SendResult.retryAfter(Duration.ofSeconds(7), "slack 429 rate_limited"));
    }

    @Test
    void rateLimitedWithAnHttpDateWaitsUntilThen() {
        String in2Minutes = DateTimeFormatter.RFC_1123_DATE_TIME
                .format(Instant.now().plusSeconds(120).atOffset(ZoneOffset.UTC));
        slack.stubFor(post(PATH).willReturn(aResponse().withStatus(429).withHeader("Retry-After", in2Minutes)
                .withBody("rate_limited")));

        SendResult result = send(Samples.rollbackStarted());

        assertThat(result).isInstanceOf(SendResult.RetryAfter.class);
        assertThat(((SendResult.RetryAfter) result).delay()).isBetween(Duration.ofSeconds(100), Duration.ofSeconds(120));
    }

    @Test
    void rateLimitedWithoutRetryAfterWaitsTheDefault() {
        slack.stubFor(post(PATH).willReturn(aResponse().withStatus(429).withBody("rate_limited")));

        assertThat(send(Samples.rollbackStarted()))
                .isEqualTo(SendResult.retryAfter(Duration.ofSeconds(30), "slack 429 rate_limited"));
    }

    @Test
    void retryAfterParsing() {
        Instant now = Instant.parse("2026-11-28T15:00:00Z");
        assertThat(HttpReplies.retryAfter(Optional.of("7"), now)).contains(Duration.ofSeconds(7));
        assertThat(HttpReplies.retryAfter(Optional.of(" 0 "), now)).contains(Duration.ZERO);
        assertThat(HttpReplies.retryAfter(Optional.of("Sat, 28 Nov 2026 15:01:30 GMT"), now))
                .contains(Duration.ofSeconds(90));
        assertThat(HttpReplies.retryAfter(Optional.of("Sat, 28 Nov 2026 14:59:00 GMT"), now)).contains(Duration.ZERO);
        assertThat(HttpReplies.retryAfter(Optional.of("-3"), now)).isEmpty();
        assertThat(HttpReplies.retryAfter(Optional.of("soon"), now)).isEmpty();
        assertThat(HttpReplies.retryAfter(Optional.empty(), now)).isEmpty();
    }

    @Test
    void serverErrorIsTransient() {
        slack.stubFor(post(PATH).willReturn(aResponse().withStatus(500).withBody("rollup_error")));

        assertThat(send(Samples.rollbackStarted())).isEqualTo(SendResult.transientFailure("slack 500 rollup_error"));
    }

    @Test
    void unknownWebhookIsPermanent() {
        slack.stubFor(post(PATH).willReturn(aResponse().withStatus(404).withBody("no_service")));

        assertThat(send(Samples.rollbackStarted())).isEqualTo(SendResult.permanent("slack 404 no_service"));
    }

    @Test
    void archivedChannelIsPermanent() {
        slack.stubFor(post(PATH).willReturn(aResponse().withStatus(410).withBody("channel_is_archived")));

        assertThat(send(Samples.rollbackStarted())).isEqualTo(SendResult.permanent("slack 410 channel_is_archived"));
    }

    @Test
    void aReplyEchoingTheWebhookIsMasked() {
        slack.stubFor(post(PATH).willReturn(aResponse().withStatus(400)
                .withBody("invalid_payload for " + slack.baseUrl() + PATH + " (token " + TOKEN + ")")));

        SendResult result = send(Samples.rollbackStarted());

        assertThat(result).isEqualTo(SendResult.permanent("slack 400 invalid_payload for *** (token ***)"));
    }

    @Test
    void longBodiesAreCut() {
        slack.stubFor(post(PATH).willReturn(aResponse().withStatus(400).withBody("invalid_payload " + "z".repeat(5000))));

        SendResult result = send(Samples.rollbackStarted());

        assertThat(result).isInstanceOf(SendResult.Permanent.class);
        assertThat(result.detail()).hasSize("slack 400 ".length() + 200).startsWith("slack 400 invalid_payload zzz")
                .endsWith("z…");
    }

    @Test
    void connectionRefusedIsTransient() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        URI closed = URI.create("http://127.0.0.1:" + port + PATH);

        SendResult result = new SlackChannel("alerts", closed, HTTP, Duration.ofSeconds(5), Duration.ofSeconds(30))
                .send(Samples.rollbackStarted());
        results.add(result);

        assertThat(result).isEqualTo(SendResult.transientFailure("slack connection refused"));
        assertThat(result.detail()).doesNotContain(closed.toString()).doesNotContain(TOKEN);
    }

    @Test
    void timeoutIsTransient() {
        slack.stubFor(post(PATH).willReturn(ok("ok").withFixedDelay(1000)));

        SendResult result = slackChannel(Duration.ofMillis(300)).send(Samples.rollbackStarted());
        results.add(result);

        assertThat(result).isEqualTo(SendResult.transientFailure("slack timed out after PT0.3S"));
    }

    @Test
    void interruptedSendRestoresTheFlagAndIsTransient() {
        Thread.currentThread().interrupt();
        try {
            SendResult result = send(Samples.rollbackStarted());

            assertThat(result).isEqualTo(SendResult.transientFailure("slack interrupted"));
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
