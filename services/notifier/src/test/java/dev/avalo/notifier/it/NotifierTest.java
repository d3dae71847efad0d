package dev.avalo.notifier.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.inject.Inject;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.nats.client.JetStream;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import dev.avalo.contracts.CloudEvents;
import dev.avalo.contracts.Subjects;
import dev.avalo.notifier.delivery.DeliveryStatus;
import dev.avalo.notifier.delivery.DeliveryStore;
import dev.avalo.testing.JwtTestResource;
import dev.avalo.testing.NatsProbe;
import dev.avalo.testing.NatsTestResource;
import dev.avalo.testing.PostgresTestResource;
import dev.avalo.testing.TestTokens;

/**
 * The notifier end to end against the real local NATS (its own stream) and PostgreSQL (its own database), with Slack and
 * PagerDuty faked by WireMock and the leads' mailbox by GreenMail: events published to the stream as the orchestrator and the
 * scheduler publish them come out on the channels the strategy document names, with the payloads each provider requires; 429s,
 * 5xx and permanent refusals are handled; a redelivered event is not sent twice; PagerDuty webhooks become incident events;
 * secrets appear in no log line and no API reply.
 */
@QuarkusTest
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = NatsTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = FakeSaasResource.class, restrictToAnnotatedClass = false)
class NotifierTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> LOG = Collections.synchronizedList(new ArrayList<>());
    static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String message = record.getMessage();
            if (record.getParameters() != null && message != null) {
                try {
                    message = String.format(message, record.getParameters());
                } catch (RuntimeException notAFormat) {
                    message = message + " " + java.util.Arrays.toString(record.getParameters());
                }
            }
            LOG.add(record.getLoggerName() + " " + message
                    + (record.getThrown() == null ? "" : " " + record.getThrown()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    static NatsProbe nats;
    static JetStream js;
    static Subjects subjects;

    @Inject
    DeliveryStore store;

    @BeforeAll
    static void connect() throws Exception {
        Logger.getLogger("").addHandler(CAPTURE);
        nats = NatsProbe.connect(NatsTestResource.url());
        js = nats.connection().jetStream();
        subjects = Subjects.withPrefix(NatsTestResource.prefix());
    }

    @AfterAll
    static void close() {
        Logger.getLogger("").removeHandler(CAPTURE);
        if (nats != null) {
            nats.close();
        }
    }

    @BeforeEach
    void healthyProviders() {
        WireMockServer w = FakeSaasResource.wiremock();
        w.resetAll();
        w.stubFor(post(urlEqualTo(FakeSaasResource.SLACK_DEPLOYMENTS_PATH)).willReturn(aResponse().withStatus(200)
                .withBody("ok")));
        w.stubFor(post(urlEqualTo(FakeSaasResource.SLACK_ALERTS_PATH)).willReturn(aResponse().withStatus(200)
                .withBody("ok")));
        w.stubFor(post(urlEqualTo(FakeSaasResource.PAGERDUTY_PATH)).willReturn(aResponse().withStatus(202)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\"x\"}")));
    }

    static RequestSpecification as(String role) {
        return given().auth().oauth2(TestTokens.token(role, role + "-user")).contentType(ContentType.JSON);
    }

    static List<JsonNode> bodies(String path, String containing) {
        List<JsonNode> out = new ArrayList<>();
        for (LoggedRequest r : FakeSaasResource.wiremock().findAll(postRequestedFor(urlEqualTo(path)))) {
            if (containing == null || r.getBodyAsString().contains(containing)) {
                try {
                    out.add(JSON.readTree(r.getBodyAsString()));
                } catch (Exception e) {
                    throw new AssertionError("not JSON: " + r.getBodyAsString(), e);
                }
            }
        }
        return out;
    }

    /** The messages whose body mentions {@code text} (e.g. this test's own deployment id). */
    static List<MimeMessage> mailsMentioning(String text) throws Exception {
        List<MimeMessage> out = new ArrayList<>();
        for (MimeMessage m : FakeSaasResource.greenMail().getReceivedMessages()) {
            if (com.icegreen.greenmail.util.GreenMailUtil.getBody(m).contains(text)) {
                out.add(m);
            }
        }
        return out;
    }

    void publish(String eventId, String kind, String deploymentId, String service) {
        String state = switch (kind) {
            case "rolled-back" -> "ROLLED_BACK";
            case "rollback.started" -> "ROLLING_BACK";
            default -> "RUNNING";
        };
        Events.publishDeployment(js, subjects, NatsTestResource.eventsStream(), eventId, kind,
                Events.deployment(deploymentId, service, state, "health", "error-rate-3m breached"));
    }

    List<dev.avalo.notifier.delivery.Delivery> rowsOf(String eventId) {
        return store.list(java.util.Optional.empty(), java.util.Optional.of(eventId), Long.MAX_VALUE, 100);
    }

    void awaitStatus(String eventId, String channel, DeliveryStatus status) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(rowsOf(eventId))
                .filteredOn(d -> d.channel().equals(channel)).extracting(d -> d.status()).containsExactly(status));
    }

    @Test
    void aRollbackIsToldOnSlackAlertsPagedAndMailedWithTheBreachedRule() throws Exception {
        String deployment = Events.newId();
        String event = Events.newId();
        publish(event, "rollback.started", deployment, "chat-api");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(bodies(FakeSaasResource.SLACK_ALERTS_PATH, deployment)).hasSize(1);
            assertThat(bodies(FakeSaasResource.PAGERDUTY_PATH, deployment)).hasSize(1);
            // this deployment's own message (an earlier test's "Rollback started" mail must not end the wait): one message to
            // both leads, which GreenMail stores once per recipient
            assertThat(mailsMentioning(deployment)).hasSize(2);
        });
        JsonNode slack = bodies(FakeSaasResource.SLACK_ALERTS_PATH, deployment).get(0);
        assertThat(slack.path("text").asText()).contains("Rollback started: chat-api in production");
        assertThat(slack.path("blocks").get(0).path("type").asText()).isEqualTo("header");
        String blocks = slack.path("blocks").toString();
        assertThat(blocks).contains("chat-api-v122 → chat-api-v123").contains("canary-1 at 1 %").contains("41.2")
                .contains("error-rate-3m").contains("observed 3.1, threshold 2")
                .contains("https://avalo.test/deployments/" + deployment);
        assertThat(bodies(FakeSaasResource.SLACK_DEPLOYMENTS_PATH, deployment)).isEmpty();

        JsonNode page = bodies(FakeSaasResource.PAGERDUTY_PATH, deployment).get(0);
        assertThat(page.path("routing_key").asText()).isEqualTo(FakeSaasResource.ROUTING_KEY);
        assertThat(page.path("event_action").asText()).isEqualTo("trigger");
        assertThat(page.path("dedup_key").asText()).isEqualTo("avalo/chat-api/production/" + deployment);
        JsonNode payload = page.path("payload");
        assertThat(payload.path("summary").asText()).contains("Rollback started: chat-api in production");
        assertThat(payload.path("source").asText()).isEqualTo("avalo-deploy");
        assertThat(payload.path("severity").asText()).isEqualTo("critical");
        assertThat(payload.path("component").asText()).isEqualTo("chat-api");
        assertThat(payload.path("group").asText()).isEqualTo("production");
        assertThat(payload.path("class").asText()).isEqualTo("rollback.started");
        assertThat(payload.path("timestamp").asText()).isEqualTo("2026-11-24T19:00:00Z");
        assertThat(payload.path("custom_details").toString()).contains("error-rate-3m").contains("41.2");
        assertThat(page.path("links").get(0).path("href").asText())
                .isEqualTo("https://avalo.test/deployments/" + deployment);

        List<MimeMessage> mail = mailsMentioning(deployment);
        assertThat(mail).hasSize(2);
        assertThat(mail.get(0).getSubject()).contains("Rollback started: chat-api in production");
        assertThat(java.util.Arrays.stream(mail.get(0).getAllRecipients()).map(Object::toString))
                .containsExactlyInAnyOrder("leads@avalo.test", "cto@avalo.test");
        assertThat(com.icegreen.greenmail.util.GreenMailUtil.getBody(mail.get(0))).contains("error-rate-3m");

        awaitStatus(event, "log", DeliveryStatus.DELIVERED);
        assertThat(rowsOf(event)).extracting(d -> d.channel() + "=" + d.status()).containsExactlyInAnyOrder(
                "slack:alerts=DELIVERED", "pagerduty=DELIVERED", "email=DELIVERED", "log=DELIVERED");
        assertThat(LOG).anyMatch(l -> l.contains("rollback.started") && l.contains("chat-api")
                && l.contains("error-rate-3m"));
    }

    @Test
    void aCompletedRollbackResolvesThePageWithTheSameDedupKey() {
        String deployment = Events.newId();
        publish(Events.newId(), "rollback.started", deployment, "payments");
        String done = Events.newId();
        publish(done, "rolled-back", deployment, "payments");
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(bodies(FakeSaasResource.PAGERDUTY_PATH, deployment)).hasSize(2));
        List<JsonNode> pages = bodies(FakeSaasResource.PAGERDUTY_PATH, deployment);
        assertThat(pages).extracting(p -> p.path("event_action").asText()).containsExactly("trigger", "resolve");
        JsonNode resolve = pages.get(1);
        assertThat(resolve.path("dedup_key").asText()).isEqualTo("avalo/payments/production/" + deployment);
        assertThat(resolve.has("payload")).isFalse();
        awaitStatus(done, "slack:alerts", DeliveryStatus.DELIVERED);
        assertThat(bodies(FakeSaasResource.SLACK_ALERTS_PATH, deployment).get(1).toString()).contains("842 ms");
    }

    @Test
    void routineProgressGoesToDeploymentsOnlyAndStageEntriesAreNotNotified() {
        String deployment = Events.newId();
        String created = Events.newId();
        String entered = Events.newId();
        String passed = Events.newId();
        publish(created, "created", deployment, "search");
        publish(entered, "stage.entered", deployment, "search");
        publish(passed, "stage.passed", deployment, "search");
        awaitStatus(passed, "slack:deployments", DeliveryStatus.DELIVERED);
        awaitStatus(created, "slack:deployments", DeliveryStatus.DELIVERED);
        assertThat(rowsOf(created)).extracting(d -> d.channel()).containsExactlyInAnyOrder("slack:deployments", "log");
        assertThat(rowsOf(entered)).isEmpty();
        assertThat(bodies(FakeSaasResource.SLACK_DEPLOYMENTS_PATH, deployment)).extracting(b -> b.path("text").asText())
                .containsExactly("Deployment started: search in production", "Stage passed: search in production");
        assertThat(bodies(FakeSaasResource.SLACK_ALERTS_PATH, deployment)).isEmpty();
        assertThat(bodies(FakeSaasResource.PAGERDUTY_PATH, deployment)).isEmpty();
    }

    @Test
    void aFreezeIsAWarningOnAlerts() {
        String event = Events.newId();
        String freeze = "freeze-" + Events.newId();
        Events.publishFreeze(js, subjects, NatsTestResource.eventsStream(), event, "freeze.started",
                Events.freeze(freeze, "Pricing launch"));
        awaitStatus(event, "slack:alerts", DeliveryStatus.DELIVERED);
        assertThat(rowsOf(event)).extracting(d -> d.channel()).containsExactlyInAnyOrder("slack:alerts", "log");
        assertThat(bodies(FakeSaasResource.SLACK_ALERTS_PATH, freeze).get(0).path("text").asText())
                .isEqualTo("Deploy freeze started: Pricing launch");
    }

    @Test
    void aRedeliveredEventIsSentOncePerChannel() {
        String deployment = Events.newId();
        String event = Events.newId();
        var data = Events.deployment(deployment, "checkout", "PAUSED", "manual", "paused by alice");
        for (int i = 0; i < 3; i++) {
            // a different JetStream message id each time: the stream keeps all three, the delivery log must dedup
            Events.publish(js, subjects.deploymentEvent("checkout", "production"), NatsTestResource.eventsStream(), event,
                    Events.ORCHESTRATOR, "avalo.deployment.paused", deployment, data, event + "-" + i);
        }
        String after = Events.newId();
        Events.publishDeployment(js, subjects, NatsTestResource.eventsStream(), after, "resumed", data);
        awaitStatus(after, "slack:deployments", DeliveryStatus.DELIVERED);
        awaitStatus(event, "slack:alerts", DeliveryStatus.DELIVERED);
        assertThat(bodies(FakeSaasResource.SLACK_ALERTS_PATH, deployment)).hasSize(1);
        assertThat(rowsOf(event)).hasSize(2);
    }

    @Test
    void slack429IsHonouredThenDelivered() {
        WireMockServer w = FakeSaasResource.wiremock();
        w.stubFor(post(urlEqualTo(FakeSaasResource.SLACK_ALERTS_PATH)).inScenario("rate").whenScenarioStateIs(
                Scenario.STARTED).willReturn(
                        aResponse().withStatus(429).withHeader("Retry-After", "30")
                                .withBody("rate_limited"))
                .willSetStateTo("ok"));
        w.stubFor(post(urlEqualTo(FakeSaasResource.SLACK_ALERTS_PATH)).inScenario("rate").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(200).withBody("ok")));
        String deployment = Events.newId();
        String event = Events.newId();
        publish(event, "failed", deployment, "ledger");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(rowsOf(event))
                .filteredOn(d -> d.channel().equals("slack:alerts"))
                .allSatisfy(d -> {
                    assertThat(d.status()).isEqualTo(DeliveryStatus.PENDING);
                    assertThat(d.lastError()).contains("429");
                    assertThat(d.nextAttemptAt()).isEqualTo(TestClockProducer.CLOCK.instant().plusSeconds(30));
                }).hasSize(1));
        // the channel waits: nothing more is sent to it until Retry-After has passed
        TestClockProducer.CLOCK.advance(Duration.ofSeconds(29));
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(3)).untilAsserted(
                () -> assertThat(bodies(FakeSaasResource.SLACK_ALERTS_PATH, deployment)).hasSize(1));
        TestClockProducer.CLOCK.advance(Duration.ofSeconds(2));
        awaitStatus(event, "slack:alerts", DeliveryStatus.DELIVERED);
        assertThat(bodies(FakeSaasResource.SLACK_ALERTS_PATH, deployment)).hasSize(2);
    }

    @Test
    void pagerDuty5xxIsRetriedThenDelivered() {
        WireMockServer w = FakeSaasResource.wiremock();
        // three 503s: more than the two quick retries, so the delivery is rescheduled once before it succeeds
        w.stubFor(post(urlEqualTo(FakeSaasResource.PAGERDUTY_PATH)).inScenario("pd").whenScenarioStateIs(
                Scenario.STARTED).willReturn(aResponse().withStatus(503)).willSetStateTo("2"));
        w.stubFor(post(urlEqualTo(FakeSaasResource.PAGERDUTY_PATH)).inScenario("pd").whenScenarioStateIs("2")
                .willReturn(aResponse().withStatus(502)).willSetStateTo("3"));
        w.stubFor(post(urlEqualTo(FakeSaasResource.PAGERDUTY_PATH)).inScenario("pd").whenScenarioStateIs("3")
                .willReturn(aResponse().withStatus(500)).willSetStateTo("ok"));
        w.stubFor(post(urlEqualTo(FakeSaasResource.PAGERDUTY_PATH)).inScenario("pd").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(202).withBody("{\"status\":\"success\",\"dedup_key\":\"k\"}")));
        String deployment = Events.newId();
        String event = Events.newId();
        publish(event, "emergency-stop", deployment, "inventory");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(rowsOf(event))
                .filteredOn(d -> d.channel().equals("pagerduty")).singleElement().satisfies(d -> {
                    assertThat(d.status()).isEqualTo(DeliveryStatus.PENDING);
                    assertThat(d.attempts()).isEqualTo(1);
                    assertThat(d.lastError()).contains("500");
                }));
        TestClockProducer.CLOCK.advance(Duration.ofSeconds(10)); // past the first durable retry (5 s ± 25 %)
        awaitStatus(event, "pagerduty", DeliveryStatus.DELIVERED);
        assertThat(bodies(FakeSaasResource.PAGERDUTY_PATH, deployment)).hasSize(4);
    }

    @Test
    void aPermanentRefusalIsDeadLetteredAndAnnouncedOnAnotherChannel() {
        FakeSaasResource.wiremock().stubFor(post(urlEqualTo(FakeSaasResource.PAGERDUTY_PATH)).willReturn(aResponse()
                .withStatus(400).withHeader("Content-Type", "application/json")
                .withBody("{\"status\":\"invalid event\",\"message\":\"Event object is invalid\","
                        + "\"errors\":[\"'routing_key' is invalid\"]}")));
        String deployment = Events.newId();
        String event = Events.newId();
        publish(event, "failed", deployment, "billing");
        awaitStatus(event, "pagerduty", DeliveryStatus.DEAD);
        var dead = rowsOf(event).stream().filter(d -> d.channel().equals("pagerduty")).findFirst().orElseThrow();
        assertThat(dead.lastError()).contains("400").contains("Event object is invalid")
                .doesNotContain(FakeSaasResource.ROUTING_KEY);
        assertThat(bodies(FakeSaasResource.PAGERDUTY_PATH, deployment)).hasSize(1); // never retried
        String notice = "dead-letter-" + dead.id();
        awaitStatus(notice, "slack:alerts", DeliveryStatus.DELIVERED);
        assertThat(rowsOf(notice)).extracting(d -> d.channel()).containsExactlyInAnyOrder("slack:alerts", "log");
        assertThat(bodies(FakeSaasResource.SLACK_ALERTS_PATH, "Notification not delivered on pagerduty")).hasSize(1);
        as("viewer").get("/api/v1/deliveries?status=dead").then().statusCode(200).body("eventId", hasItem(event));
    }

    @Test
    void pagerDutyWebhooksBecomeIncidentEventsAndBadSignaturesAreRefused() throws Exception {
        String incident = "Q" + Events.newId().substring(0, 6).toUpperCase();
        String body = """
                {"event":{"id":"01EVT%s","event_type":"incident.triggered","resource_type":"incident",
                "occurred_at":"2026-11-24T19:01:00.000Z","agent":null,"client":null,
                "data":{"id":"%s","type":"incident","number":42,"title":"search is down","status":"triggered",
                "urgency":"high","incident_key":"k-1","html_url":"https://acme.pagerduty.com/incidents/%s",
                "service":{"id":"PSVC1","summary":"search","type":"service_reference"}}}}"""
                .formatted(incident, incident, incident);
        try (NatsProbe.Recorder incidents = nats.recordStream(NatsTestResource.eventsStream(),
                subjects.incidentEvent("opened"))) {
            given().header("X-PagerDuty-Signature", "v1=" + "0".repeat(64)).contentType(ContentType.JSON).body(body)
                    .post("/api/v1/webhooks/pagerduty").then().statusCode(401)
                    .contentType("application/problem+json");
            given().contentType(ContentType.JSON).body(body).post("/api/v1/webhooks/pagerduty").then().statusCode(401);
            given().header("X-PagerDuty-Signature", "v1=" + sign(body)).contentType(ContentType.JSON)
                    .body(body.replace("search is down", "search is fine")).post("/api/v1/webhooks/pagerduty").then()
                    .statusCode(401);
            given().header("X-PagerDuty-Signature", "v1=" + sign(body)).contentType(ContentType.JSON).body(body)
                    .post("/api/v1/webhooks/pagerduty").then().statusCode(202).body("published", equalTo(true));
            await().atMost(Duration.ofSeconds(10)).until(() -> incidents.messages().size() == 1);
            var event = CloudEvents.decode(incidents.messages().get(0).getData());
            assertThat(event.getType()).isEqualTo("avalo.incident.opened");
            assertThat(event.getId()).isEqualTo("pagerduty-01EVT" + incident);
            assertThat(new String(event.getData().toBytes(), StandardCharsets.UTF_8)).contains("pagerduty-" + incident)
                    .contains("search is down");
        }
        // the notifier hears its own incident event like any other: a warning on #alerts
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(bodies(FakeSaasResource.SLACK_ALERTS_PATH,
                "Incident opened: search is down")).hasSize(1));
    }

    static String sign(String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(FakeSaasResource.WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theRestApiNeedsTokensAndRolesAndNamesTheBadField() {
        given().get("/api/v1/deliveries").then().statusCode(401).contentType("application/problem+json");
        as("viewer").get("/api/v1/deliveries?status=lost").then().statusCode(400).body("field", equalTo("status"));
        as("viewer").get("/api/v1/deliveries?limit=0").then().statusCode(400).body("field", equalTo("limit"));
        as("viewer").body(Map.of("channel", "log")).post("/api/v1/test").then().statusCode(403);
        as("admin").body(Map.of("channel", "teams")).post("/api/v1/test").then().statusCode(400)
                .body("field", equalTo("channel"));
        as("admin").body("{\"channel\":").post("/api/v1/test").then().statusCode(400);
        as("admin").body(Map.of("channel", "log", "severity", "loud")).post("/api/v1/test").then().statusCode(400)
                .body("field", equalTo("severity"));
        as("viewer").get("/api/v1/deliveries/999999999").then().statusCode(404);
    }

    @Test
    void aTestMessageGoesThroughTheLog() {
        String id = as("admin").body(Map.of("channel", "slack:deployments", "message", "hello from the test"))
                .post("/api/v1/test").then().statusCode(202).extract().path("eventId");
        awaitStatus(id, "slack:deployments", DeliveryStatus.DELIVERED);
        assertThat(bodies(FakeSaasResource.SLACK_DEPLOYMENTS_PATH, "hello from the test")).hasSize(1);
        as("viewer").get("/api/v1/deliveries?eventId=" + id).then().statusCode(200)
                .body("status", hasItem("DELIVERED")).body("channel", hasItem("slack:deployments"));
    }

    @Test
    void noSecretAppearsInAnyLogLineOrApiReply() {
        // runs after others in any order: make sure there is traffic of every kind first
        String deployment = Events.newId();
        String event = Events.newId();
        publish(event, "rollback.started", deployment, "secrets-check");
        awaitStatus(event, "pagerduty", DeliveryStatus.DELIVERED);
        String api = as("viewer").get("/api/v1/deliveries?limit=1000").then().statusCode(200).extract().asString();
        List<String> secrets = List.of(FakeSaasResource.SLACK_ALERTS_PATH, FakeSaasResource.SLACK_DEPLOYMENTS_PATH,
                "xoxSecret", FakeSaasResource.ROUTING_KEY, FakeSaasResource.WEBHOOK_SECRET,
                FakeSaasResource.SMTP_PASSWORD);
        assertThat(LOG).isNotEmpty();
        for (String secret : secrets) {
            assertThat(api).doesNotContain(secret);
            assertThat(LOG).noneMatch(line -> line.contains(secret));
        }
    }
}
