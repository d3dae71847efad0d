package dev.avalo.health.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import dev.avalo.contracts.CloudEvents;
import dev.avalo.contracts.Json;
import dev.avalo.contracts.Subjects;
import dev.avalo.contracts.deployment.Cause;
import dev.avalo.contracts.deployment.DeploymentEventData;
import dev.avalo.contracts.deployment.DeploymentEventType;
import dev.avalo.contracts.deployment.DeploymentView;
import dev.avalo.contracts.deployment.StageView;
import dev.avalo.contracts.health.HealthReport;
import dev.avalo.contracts.health.Verdict;
import dev.avalo.contracts.metrics.CustomMetric;
import dev.avalo.contracts.metrics.RouterMetricsSample;
import dev.avalo.contracts.metrics.StatusCounts;
import dev.avalo.contracts.route.DesiredRoute;
import dev.avalo.contracts.route.RouteTarget;
import dev.avalo.health.verdict.Clockwork;
import dev.avalo.health.verdict.HealthEngine;
import dev.avalo.health.window.Histograms;
import dev.avalo.testing.JwtTestResource;
import dev.avalo.testing.MutableClock;
import dev.avalo.testing.NatsProbe;
import dev.avalo.testing.NatsTestResource;
import dev.avalo.testing.TestTokens;

/**
 * The scorer against the real local NATS: deployment events from the stream, router samples from two routers merged, pushed
 * metrics, reports on the health subject every interval and at once on a new breach, the REST API with its roles and problems,
 * and the Prometheus gauges.
 */
@QuarkusTest
@QuarkusTestResource(value = NatsTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtTestResource.class, restrictToAnnotatedClass = false)
class HealthScorerTest extends dev.avalo.health.source.MetricsSourceContractTest {

    @Inject
    dev.avalo.health.nats.HealthNats healthNats;

    @Override
    protected dev.avalo.health.source.MetricsSource deliveringSource() {
        return healthNats;
    }

    @Override
    protected dev.avalo.health.source.MetricsSource silentSource() {
        // never started: no connection, no subscriptions
        return new dev.avalo.health.nats.HealthNats(new dev.avalo.health.config.NatsConfig() {
            public String url() {
                return "nats://127.0.0.1:1";
            }

            public java.util.Optional<String> credentials() {
                return java.util.Optional.empty();
            }

            public String subjectPrefix() {
                return "unused";
            }

            public String eventsStream() {
                return "UNUSED";
            }

            public Duration eventsRetention() {
                return Duration.ofDays(1);
            }

            public String routesBucket() {
                return "unused";
            }
        }, engine, null, CLOCK);
    }

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final MutableClock CLOCK = TestClockProducer.CLOCK;
    private static final String ENV = "production";

    private static NatsProbe nats;
    private static Subjects subjects;

    @Inject
    Clockwork clockwork;

    @Inject
    HealthEngine engine;

    @BeforeAll
    static void connect() {
        nats = NatsProbe.connect(NatsTestResource.url());
        subjects = Subjects.withPrefix(NatsTestResource.prefix());
    }

    @AfterAll
    static void close() throws Exception {
        try {
            nats.connection().keyValueManagement().delete(NatsTestResource.routesBucket() + "-rules");
        } finally {
            nats.close();
        }
    }

    private static void deploymentEvent(String service, String id, String state, Instant created, Instant stageStart,
            int weight) throws Exception {
        DeploymentView view = new DeploymentView(id, service, ENV, service + "-v1", service + "-v2", state,
                new StageView(0, "canary-1", weight, stageStart, 900), null, "production", true, null, "alice", created,
                CLOCK.instant());
        byte[] event = CloudEvents.encode(UUID.randomUUID().toString(), URI.create("/avalo/orchestrator"),
                DeploymentEventType.STAGE_ENTERED.type(), id, CLOCK.instant(),
                new DeploymentEventData(view, new Cause("system", "test", "stage entered")));
        nats.connection().jetStream().publish(subjects.deploymentEvent(service, ENV), event);
    }

    private static String histogram(long count, long millis) {
        Histogram h = Histograms.create();
        if (count > 0) {
            h.recordValueWithCount(millis * 1000, count);
        }
        return Histograms.encode(h);
    }

    /** Two routers each report half of a revision's second. */
    private static void seconds(String service, String revision, String role, Instant from, int seconds, long requests,
            long errors, long millis) {
        for (int i = 0; i < seconds; i++) {
            Instant t = from.plusSeconds(i);
            for (String router : List.of("r-1", "r-2")) {
                long req = requests / 2;
                long err = router.equals("r-1") ? errors : 0;
                RouterMetricsSample s = new RouterMetricsSample(router, service, ENV, revision, role, t, 1000, req, err,
                        new StatusCounts(req - err, 0, 0, err), histogram(req, millis), req / 4, req / 2);
                nats.publish(subjects.metrics(service, ENV), Json.encode(s));
            }
        }
    }

    private void awaitIngested(String service, String revision, Instant lastSecond) {
        await().atMost(WAIT).until(() -> engine.newestSecond(service, ENV, revision) >= lastSecond.getEpochSecond());
    }

    @Test
    void reportsAHealthyCanaryEveryIntervalWithSamplesMergedAcrossRouters() throws Exception {
        String service = "chat-api";
        Instant start = CLOCK.instant();
        deploymentEvent(service, "d-healthy", "RUNNING", start, start, 1000);
        await().atMost(WAIT).until(() -> engine.live(service, ENV).isPresent());

        seconds(service, service + "-v1", "stable", start, 300, 1800, 2, 80);
        seconds(service, service + "-v2", "canary", start, 300, 200, 0, 80);
        awaitIngested(service, service + "-v1", start.plusSeconds(299));
        awaitIngested(service, service + "-v2", start.plusSeconds(299));

        try (NatsProbe.Recorder reports = nats.record(subjects.health(service, ENV))) {
            // the last complete second is now − 2 s (settle): the score window is exactly the 300 seconds sent
            CLOCK.set(start.plusSeconds(301));
            assertThat(clockwork.tick()).extracting(HealthReport::service).contains(service);
            await().atMost(WAIT).until(() -> reports.size() >= 1);
            HealthReport r = Json.decode(reports.messages().get(0).getData(), HealthReport.class);
            assertThat(r.revision()).isEqualTo(service + "-v2");
            assertThat(r.deploymentId()).isEqualTo("d-healthy");
            // both routers' halves summed: 200 canary requests a second over the 300-second score window
            assertThat(r.samples().canaryRequests()).isEqualTo(200L * 300);
            assertThat(r.samples().stableRequests()).isEqualTo(1800L * 300);
            assertThat(r.breaches()).isEmpty();
            assertThat(r.score()).isGreaterThan(90.0);
            assertThat(r.components()).containsKeys("errorRate", "latency", "throughput", "resource", "userImpact");
            assertThat(r.components().get("resource").value()).as("nothing pushed: missing, not 100").isNull();
            assertThat(r.gates()).anySatisfy(g -> {
                assertThat(g.gate()).isEqualTo("error-rate");
                assertThat(g.status()).isEqualTo("PASS");
                assertThat(g.samples()).isEqualTo(200L * 300);
            });
            assertThat(r.confidence()).startsWith("Wilson 99.8% ").contains("for breaches", "Wilson 95% ", "for gates");
            // stage-1 gate "no critical alerts" passes (Alertmanager source, nothing firing), so the verdict may proceed
            assertThat(r.verdict()).isEqualTo(Verdict.PROCEED);

            // within the interval nothing more is published; after it, the next report
            CLOCK.set(start.plusSeconds(304));
            assertThat(clockwork.tick()).noneMatch(x -> x.service().equals(service));
            CLOCK.set(start.plusSeconds(307));
            assertThat(clockwork.tick()).anyMatch(x -> x.service().equals(service));
            await().atMost(WAIT).until(() -> reports.size() >= 2);
        }

        String viewer = TestTokens.token("viewer");
        given().auth().oauth2(viewer).get("/api/v1/health/{s}/{e}", service, ENV).then().statusCode(200)
                .body("revision", equalTo(service + "-v2")).body("verdict", equalTo("PROCEED"));
        given().get("/api/v1/health/{s}/{e}", service, ENV).then().statusCode(401).contentType("application/problem+json");
        given().auth().oauth2(viewer).get("/api/v1/health/{s}/{e}", "Bad_Name", ENV).then().statusCode(400)
                .body("field", equalTo("service"));
        given().auth().oauth2(viewer).get("/api/v1/health/{s}/{e}", "unknown-svc", ENV).then().statusCode(404);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("avalo_health_score{environment=\"production\",service=\"chat-api\"}"))
                .body(containsString("avalo_health_component_score{component=\"errorRate\""));
    }

    @Test
    void theRoutesBucketKeepsTheCanarysShareCurrent() throws Exception {
        String service = "route-api";
        Instant start = CLOCK.instant();
        deploymentEvent(service, "d-route", "RUNNING", start, start, 100);
        await().atMost(WAIT).until(() -> engine.live(service, ENV).isPresent());
        assertThat(engine.live(service, ENV).orElseThrow().canaryShare()).isEqualTo(0.01);
        DesiredRoute route = new DesiredRoute(service, ENV, 5, new RouteTarget(service + "-v1", List.of("http://a:8080")),
                new RouteTarget(service + "-v2", List.of("http://b:8080")), 2500, null, "stage 3 of d-route");
        nats.connection().keyValue(NatsTestResource.routesBucket()).put(Subjects.routeKey(service, ENV),
                Json.encode(route));
        await().atMost(WAIT).until(() -> engine.live(service, ENV).orElseThrow().canaryShare() == 0.25);

        // a malformed event is refused without disturbing the live canary
        nats.connection().jetStream().publish(subjects.deploymentEvent(service, ENV),
                "{\"specversion\":\"1.0\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        deploymentEvent(service, "d-route", "ROLLED_BACK", start, start, 0);
        await().atMost(WAIT).until(() -> engine.live(service, ENV).isEmpty());
    }

    @Test
    void aNewBreachIsPublishedAtOnceNotAtTheNextInterval() throws Exception {
        String service = "pay-api";
        Instant start = CLOCK.instant();
        deploymentEvent(service, "d-breach", "RUNNING", start, start, 1000);
        await().atMost(WAIT).until(() -> engine.live(service, ENV).isPresent());
        seconds(service, service + "-v1", "stable", start, 200, 1800, 2, 80);
        seconds(service, service + "-v2", "canary", start, 200, 200, 0, 80);
        awaitIngested(service, service + "-v2", start.plusSeconds(199));

        try (NatsProbe.Recorder reports = nats.record(subjects.health(service, ENV))) {
            CLOCK.set(start.plusSeconds(202));
            clockwork.tick();
            await().atMost(WAIT).until(() -> reports.size() >= 1);

            // two payment failures pushed on NATS one second later: payment-failures-10m breaches
            for (int i = 0; i < 2; i++) {
                nats.publish(subjects.customMetrics(service, ENV), Json.encode(new CustomMetric(service + "-v2",
                        "payment_failures", 1, "counter", start.plusSeconds(200))));
            }
            await().atMost(WAIT).until(() -> {
                CLOCK.set(start.plusSeconds(203));
                return clockwork.tick().stream().anyMatch(r -> r.service().equals(service));
            });
            await().atMost(WAIT).until(() -> reports.size() >= 2);
            HealthReport r = Json.decode(reports.messages().get(reports.size() - 1).getData(), HealthReport.class);
            assertThat(r.verdict()).isEqualTo(Verdict.ROLLBACK);
            assertThat(r.breaches()).singleElement().satisfies(b -> {
                assertThat(b.ruleId()).isEqualTo("payment-failures-10m");
                assertThat(b.observed()).isEqualTo(2.0);
            });
        }
    }

    @Test
    void pushedMetricsAreValidatedAndNeedTheDeployerRole() {
        String body = """
                {"service":"push-api","environment":"production","samples":[
                  {"revision":"push-api-v2","name":"cpu_percent","value":41.5,"kind":"gauge","at":"%s"}]}
                """.formatted(CLOCK.instant());
        given().auth().oauth2(TestTokens.token("deployer")).contentType(ContentType.JSON).body(body)
                .post("/api/v1/metrics").then().statusCode(202).body("accepted", equalTo(1));
        given().auth().oauth2(TestTokens.token("viewer")).contentType(ContentType.JSON).body(body)
                .post("/api/v1/metrics").then().statusCode(403).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body(body).post("/api/v1/metrics").then().statusCode(401);

        given().auth().oauth2(TestTokens.token("deployer")).contentType(ContentType.JSON)
                .body(body.replace("cpu_percent", "cpu_load")).post("/api/v1/metrics").then().statusCode(400)
                .body("field", equalTo("samples[0].name"));
        given().auth().oauth2(TestTokens.token("deployer")).contentType(ContentType.JSON)
                .body(body.replace("\"gauge\"", "\"counter\"")).post("/api/v1/metrics").then().statusCode(400)
                .body("field", equalTo("samples[0].kind"));
        given().auth().oauth2(TestTokens.token("deployer")).contentType(ContentType.JSON)
                .body(body.replace("\"push-api\"", "\"Push API\"")).post("/api/v1/metrics").then().statusCode(400)
                .body("field", equalTo("service"));
        given().auth().oauth2(TestTokens.token("deployer")).contentType(ContentType.JSON).body("{\"service\":")
                .post("/api/v1/metrics").then().statusCode(400).contentType("application/problem+json");
        given().auth().oauth2(TestTokens.token("deployer")).contentType(ContentType.JSON)
                .body(body.replace("41.5", "\"high\"")).post("/api/v1/metrics").then().statusCode(400)
                .body("field", containsString("value"));
    }

    @Test
    void alertmanagerWebhookFailsTheNoCriticalAlertsGateUntilResolved() throws Exception {
        String service = "alert-api";
        Instant start = CLOCK.instant();
        deploymentEvent(service, "d-alert", "RUNNING", start, start, 1000);
        await().atMost(WAIT).until(() -> engine.live(service, ENV).isPresent());
        String webhook = """
                {"receiver":"avalo","status":"%s","alerts":[{"status":"%s",
                 "labels":{"alertname":"HighErrorRate","service":"alert-api","environment":"production","severity":"critical"},
                 "annotations":{"summary":"5xx above 5%%"},"startsAt":"2026-11-24T19:00:00Z","endsAt":"0001-01-01T00:00:00Z",
                 "generatorURL":"http://prometheus:9090/graph","fingerprint":"4b0e2a5c1d3f6a7b"}],
                 "groupLabels":{},"commonLabels":{},"commonAnnotations":{},"externalURL":"http://alertmanager:9093",
                 "version":"4","groupKey":"{}:{}","truncatedAlerts":0}
                """;
        given().contentType(ContentType.JSON).body(webhook.formatted("firing", "firing")).post("/api/v1/alerts").then()
                .statusCode(401);
        given().auth().oauth2(TestTokens.token("deployer")).contentType(ContentType.JSON)
                .body(webhook.formatted("firing", "pending")).post("/api/v1/alerts").then().statusCode(400)
                .body("field", equalTo("alerts[0].status"));
        given().auth().oauth2(TestTokens.token("deployer")).contentType(ContentType.JSON)
                .body(webhook.formatted("firing", "firing")).post("/api/v1/alerts").then().statusCode(200)
                .body("received", equalTo(1));
        CLOCK.set(start.plusSeconds(10));
        HealthReport firing = clockwork.tick().stream().filter(r -> r.service().equals(service)).findFirst().orElseThrow();
        assertThat(firing.gates()).filteredOn(g -> g.gate().equals("no-critical-alerts")).singleElement()
                .satisfies(g -> assertThat(g.status()).isEqualTo("FAIL"));

        given().auth().oauth2(TestTokens.token("deployer")).contentType(ContentType.JSON)
                .body(webhook.formatted("resolved", "resolved")).post("/api/v1/alerts").then().statusCode(200);
        CLOCK.set(start.plusSeconds(20));
        HealthReport resolved = clockwork.tick().stream().filter(r -> r.service().equals(service)).findFirst()
                .orElseThrow();
        assertThat(resolved.gates()).filteredOn(g -> g.gate().equals("no-critical-alerts")).singleElement()
                .satisfies(g -> assertThat(g.status()).isEqualTo("PASS"));
    }

    @Test
    void rulesAreListedAndOverriddenPerServiceWithValidation() throws Exception {
        String admin = TestTokens.token("admin");
        given().auth().oauth2(TestTokens.token("viewer")).get("/api/v1/rules").then().statusCode(200)
                .body("rules.id", hasItem("error-rate-3m")).body("rules.size()", equalTo(16));

        String update = """
                {"service":"search-api","environment":"production","rules":[
                  {"id":"error-rate-3m","expression":"error_rate > 1% for 3m"},
                  {"id":"disk-95","enabled":false},
                  {"id":"search-latency","description":"Search p99 above 800 ms for 2 minutes","expression":"latency_p99 > 800ms for 2m"}]}
                """;
        given().auth().oauth2(TestTokens.token("deployer")).contentType(ContentType.JSON).body(update)
                .put("/api/v1/rules").then().statusCode(403);
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(update).put("/api/v1/rules").then()
                .statusCode(200).body("rules.size()", equalTo(16)).body("rules.id", hasItem("search-latency"));
        given().auth().oauth2(TestTokens.token("viewer")).queryParam("service", "search-api")
                .queryParam("environment", "production").get("/api/v1/rules").then().statusCode(200)
                .body("rules.find { it.id == 'error-rate-3m' }.expression", equalTo("error_rate > 1% for 3m"))
                .body("rules.find { it.id == 'error-rate-3m' }.description",
                        equalTo("Error rate > 2% for 3 consecutive minutes"));

        given().auth().oauth2(admin).contentType(ContentType.JSON).body("""
                {"service":"search-api","environment":"production","rules":[
                  {"id":"ok-rule","description":"fine","expression":"error_rate > 1% for 3m"},
                  {"id":"bad-rule","description":"typo","expression":"error_rate > 2% fr 3m"}]}
                """).put("/api/v1/rules").then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("rules[1].expression"))
                .body("errors[0].message", containsString("at column 17: expected 'for', 'in' or the end of the rule"));
        // the failed update changed nothing
        given().auth().oauth2(TestTokens.token("viewer")).queryParam("service", "search-api")
                .queryParam("environment", "production").get("/api/v1/rules").then().statusCode(200)
                .body("rules.id", hasItem("search-latency"));

        // stored in KV, so a restart or another replica sees them; a change stored by another replica applies here
        String bucket = NatsTestResource.routesBucket() + "-rules";
        assertThat(nats.kvGet(bucket, "search-api.production")).hasValueSatisfying(
                v -> assertThat(new String(v, java.nio.charset.StandardCharsets.UTF_8)).contains("search-latency"));
        nats.connection().keyValue(bucket).put("other-api.production",
                "[{\"id\":\"cpu-10m\",\"expression\":\"cpu_percent > 70% for 10m\"}]"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        await().atMost(WAIT).untilAsserted(() -> given().auth().oauth2(TestTokens.token("viewer"))
                .queryParam("service", "other-api").queryParam("environment", "production").get("/api/v1/rules").then()
                .statusCode(200).body("rules.find { it.id == 'cpu-10m' }.expression", equalTo("cpu_percent > 70% for 10m")));
    }
}
