package dev.avalo.notifier.channel.pagerduty;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
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
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.avalo.notifier.channel.NotificationChannel;
import dev.avalo.notifier.channel.NotificationChannelContract;
import dev.avalo.notifier.channel.Samples;
import dev.avalo.notifier.channel.SendResult;
import dev.avalo.notifier.notification.Notification;
import dev.avalo.notifier.notification.Severity;

class PagerDutyChannelTest extends NotificationChannelContract {

    static final String ROUTING_KEY = "R0UT1NGK3Y5ECRET0000000000000042";
    static final String PATH = "/v2/enqueue";
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    WireMockServer pagerduty;
    final List<SendResult> results = new ArrayList<>();

    @BeforeEach
    void startPagerDuty() {
        pagerduty = new WireMockServer(options().dynamicPort());
        pagerduty.start();
        accepted("avalo/chat-api/production/dep-42");
    }

    void accepted(String dedupKey) {
        pagerduty.stubFor(post(PATH).willReturn(aResponse().withStatus(202).withHeader("Content-Type", "application/json")
                .withBody("{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\"" + dedupKey + "\"}")));
    }

    @AfterEach
    void stopPagerDuty() {
        try {
            for (SendResult result : results) {
                assertNoSecret(result);
            }
        } finally {
            pagerduty.stop();
        }
    }

    PagerDutyChannel pagerDuty(boolean resolveOnRolledBack) {
        return new PagerDutyChannel(ROUTING_KEY, URI.create(pagerduty.baseUrl() + PATH), "avalo-deploy",
                resolveOnRolledBack, HTTP, Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    SendResult send(PagerDutyChannel channel, Notification n) {
        SendResult result = channel.send(n);
        results.add(result);
        return result;
    }

    @Override
    protected NotificationChannel channel() {
        return pagerDuty(true);
    }

    @Override
    protected NotificationChannel unconfiguredChannel() {
        return new PagerDutyChannel(null, URI.create(pagerduty.baseUrl() + PATH), "avalo-deploy", true, HTTP,
                Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    @Override
    protected String expectedType() {
        return "pagerduty";
    }

    @Override
    protected List<String> secrets() {
        return List.of(ROUTING_KEY);
    }

    @Override
    protected int providerCalls() {
        return pagerduty.getAllServeEvents().size();
    }

    @Test
    void blankRoutingKeyIsUnconfigured() {
        assertThat(new PagerDutyChannel("  ", URI.create("http://localhost/"), "s", true, HTTP, Duration.ofSeconds(1),
                Duration.ofSeconds(1)).configured()).isFalse();
    }

    @Test
    void triggersWithTheExactEvent() {
        SendResult result = send(pagerDuty(true), Samples.rollbackStarted());

        assertThat(result).isEqualTo(
                SendResult.delivered("pagerduty 202 Event processed dedup_key=avalo/chat-api/production/dep-42"));
        pagerduty.verify(1, postRequestedFor(urlEqualTo(PATH))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson(
                        """
                                {
                                  "routing_key": "R0UT1NGK3Y5ECRET0000000000000042",
                                  "event_action": "trigger",
                                  "dedup_key": "avalo/chat-api/production/dep-42",
                                  "payload": {
                                    "summary": "Rollback started: chat-api in production",
                                    "source": "avalo-deploy",
                                    "severity": "critical",
                                    "timestamp": "2026-11-28T15:04:05Z",
                                    "component": "chat-api",
                                    "group": "production",
                                    "class": "rollback.started",
                                    "custom_details": {
                                      "text": "Canary v123 breached error-rate-3m at stage canary-1; rolling back to v122.",
                                      "revisions": "v122 → v123",
                                      "stage": "canary-1",
                                      "weight": "1 %",
                                      "health_score": 41.2,
                                      "verdict": "ROLLBACK",
                                      "reasons": ["error-rate-3m: error rate > 2% for 3 consecutive minutes (observed 3.1, threshold 2)"],
                                      "fields": {"Actor": "alice", "Strategy": "canary-10-50-100"},
                                      "event_id": "evt-1",
                                      "event_type": "avalo.deployment.rollback.started"
                                    }
                                  },
                                  "links": [{"href": "https://deploy.example.com/deployments/dep-42", "text": "View deployment"}],
                                  "client": "Avalo Deploy",
                                  "client_url": "https://deploy.example.com/deployments/dep-42"
                                }
                                """,
                        false, false)));
    }

    @Test
    void rolledBackResolvesTheDeploymentsAlert() {
        SendResult result = send(pagerDuty(true), Samples.rolledBack());

        assertThat(result).isInstanceOf(SendResult.Delivered.class);
        pagerduty.verify(1, postRequestedFor(urlEqualTo(PATH)).withRequestBody(equalToJson("""
                {
                  "routing_key": "R0UT1NGK3Y5ECRET0000000000000042",
                  "event_action": "resolve",
                  "dedup_key": "avalo/chat-api/production/dep-42"
                }
                """, false, false)));
    }

    @Test
    void rolledBackTriggersWhenResolvingIsOff() {
        send(pagerDuty(false), Samples.rolledBack());

        pagerduty.verify(1, postRequestedFor(urlEqualTo(PATH))
                .withRequestBody(matchingJsonPath("$.event_action", equalTo("trigger")))
                .withRequestBody(matchingJsonPath("$.dedup_key", equalTo("avalo/chat-api/production/dep-42")))
                .withRequestBody(matchingJsonPath("$.payload.summary", equalTo("Rolled back: chat-api in production")))
                .withRequestBody(matchingJsonPath("$.payload.severity", equalTo("critical")))
                .withRequestBody(matchingJsonPath("$.payload.class", equalTo("rolled-back"))));
    }

    @Test
    void eventsOutsideADeploymentAreKeyedByKindAndOrderKey() {
        send(pagerDuty(true), Samples.freezeStarted());

        pagerduty.verify(1, postRequestedFor(urlEqualTo(PATH)).withRequestBody(equalToJson("""
                {
                  "routing_key": "R0UT1NGK3Y5ECRET0000000000000042",
                  "event_action": "trigger",
                  "dedup_key": "avalo/freeze.started/freeze-7",
                  "payload": {
                    "summary": "Freeze started: end-of-year",
                    "source": "avalo-deploy",
                    "severity": "warning",
                    "timestamp": "2026-11-28T15:04:05Z",
                    "class": "freeze.started",
                    "custom_details": {
                      "text": "Deployments are frozen until 2027-01-02.",
                      "fields": {"Window": "2026-12-20 → 2027-01-02"},
                      "event_id": "evt-4",
                      "event_type": "avalo.schedule.freeze.started"
                    }
                  },
                  "client": "Avalo Deploy"
                }
                """, false, false)));
    }

    @Test
    void summaryIsOneTriggerListingTheHeldBackTitles() {
        send(pagerDuty(true), Samples.summary());

        pagerduty.verify(1, postRequestedFor(urlEqualTo(PATH)).withRequestBody(equalToJson("""
                {
                  "routing_key": "R0UT1NGK3Y5ECRET0000000000000042",
                  "event_action": "trigger",
                  "dedup_key": "avalo/summary/evt-sum-1",
                  "payload": {
                    "summary": "3 notifications held back by the rate limit",
                    "source": "avalo-deploy",
                    "severity": "critical",
                    "timestamp": "2026-11-28T15:05:05Z",
                    "class": "summary",
                    "custom_details": {
                      "held_back": 3,
                      "notifications": [
                        "critical Rollback started: chat-api in production",
                        "info Stage passed: chat-api canary-1",
                        "warning Freeze started: end-of-year"
                      ],
                      "event_id": "evt-sum-1"
                    }
                  },
                  "client": "Avalo Deploy"
                }
                """, false, false)));
    }

    @Test
    void summaryOfARolledBackIsStillATrigger() {
        Notification summary = new Notification("evt-s2", "avalo.notifier.summary", "rolled-back", Severity.CRITICAL,
                Samples.AT, "x", null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                List.of(Samples.rolledBack()));

        assertThat(PagerDutyEvents.action(summary, true)).isEqualTo("trigger");
        assertThat(PagerDutyEvents.dedupKey(summary)).isEqualTo("avalo/summary/evt-s2");
    }

    @Test
    void summaryIsCutTo1024CharactersAndDedupKeyTo255() {
        Notification n = new Notification("evt-x", "t", "incident.opened", Severity.INFO, Samples.AT, "s".repeat(2000),
                null, "k".repeat(400), null, null, null, null, null, null, null, null, null, null, null, null, null);

        var body = PagerDutyEvents.render(n, ROUTING_KEY, "avalo-deploy", true);

        assertThat(body.path("payload").path("summary").asText()).hasSize(1024).endsWith("s…");
        assertThat(body.path("dedup_key").asText()).hasSize(255).startsWith("avalo/incident.opened/kkk");
        assertThat(body.path("payload").path("severity").asText()).isEqualTo("info");
    }

    @Test
    void invalidEventIsPermanentWithPagerDutysMessage() {
        pagerduty.stubFor(post(PATH).willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                .withBody(
                        """
                                {"status":"invalid event","message":"Event object is invalid",
                                 "errors":["'payload.severity' is invalid (must be one of the following: 'critical', 'warning', 'error' or 'info')"]}
                                """)));

        assertThat(send(pagerDuty(true), Samples.rollbackStarted())).isEqualTo(SendResult.permanent(
                "pagerduty 400 Event object is invalid: 'payload.severity' is invalid (must be one of the following: "
                        + "'critical', 'warning', 'error' or 'info')"));
    }

    @Test
    void aReplyEchoingTheRoutingKeyIsMasked() {
        pagerduty.stubFor(post(PATH).willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                .withBody("{\"status\":\"invalid event\",\"message\":\"Event object is invalid\",\"errors\":[\"routing key "
                        + ROUTING_KEY + " is not valid\"]}")));

        assertThat(send(pagerDuty(true), Samples.rollbackStarted())).isEqualTo(
                SendResult.permanent("pagerduty 400 Event object is invalid: routing key *** is not valid"));
    }

    @Test
    void unavailableIsTransient() {
        pagerduty.stubFor(post(PATH).willReturn(aResponse().withStatus(503).withBody("Service Unavailable")));

        assertThat(send(pagerDuty(true), Samples.rollbackStarted()))
                .isEqualTo(SendResult.transientFailure("pagerduty 503 Service Unavailable"));
    }

    @Test
    void rateLimitedWaitsTheDefaultWithoutRetryAfter() {
        pagerduty.stubFor(post(PATH).willReturn(aResponse().withStatus(429).withBody("")));

        assertThat(send(pagerDuty(true), Samples.rollbackStarted()))
                .isEqualTo(SendResult.retryAfter(Duration.ofSeconds(30), "pagerduty 429"));
    }

    @Test
    void rateLimitedWaitsForRetryAfter() {
        pagerduty.stubFor(post(PATH).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "12")
                .withHeader("Content-Type", "application/json")
                .withBody(
                        "{\"status\":\"throttle event\",\"message\":\"Requests for this service are arriving too quickly.\"}")));

        assertThat(send(pagerDuty(true), Samples.rollbackStarted())).isEqualTo(SendResult.retryAfter(
                Duration.ofSeconds(12), "pagerduty 429 Requests for this service are arriving too quickly."));
    }

    @Test
    void connectionRefusedIsTransient() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        PagerDutyChannel closed = new PagerDutyChannel(ROUTING_KEY, URI.create("http://127.0.0.1:" + port + PATH),
                "avalo-deploy", true, HTTP, Duration.ofSeconds(5), Duration.ofSeconds(30));

        assertThat(send(closed, Samples.rollbackStarted()))
                .isEqualTo(SendResult.transientFailure("pagerduty connection refused"));
    }

    @Test
    void timeoutIsTransient() {
        pagerduty.stubFor(post(PATH).willReturn(aResponse().withStatus(202).withFixedDelay(1000)));
        PagerDutyChannel slow = new PagerDutyChannel(ROUTING_KEY, URI.create(pagerduty.baseUrl() + PATH), "avalo-deploy",
                true, HTTP, Duration.ofMillis(300), Duration.ofSeconds(30));

        assertThat(send(slow, Samples.rollbackStarted()))
                .isEqualTo(SendResult.transientFailure("pagerduty timed out after PT0.3S"));
    }
}
