package dev.avalo.scheduler.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import dev.avalo.testing.JwtTestResource;
import dev.avalo.testing.NatsTestResource;
import dev.avalo.testing.PostgresTestResource;
import dev.avalo.testing.TestTokens;

/**
 * "Done means" end to end: the real orchestrator (its packaged jar from this reactor, started as a separate process on a
 * database of its own and this test's NATS prefix) asks this scheduler before a start. While an ad-hoc freeze covers now, a
 * production start is refused with 423 carrying the scheduler's reasons and freezes; a staging start too while the freeze names
 * staging, and it goes through once the freeze is removed (staging is any time).
 * <p>
 * Needs {@code services/orchestrator/target/quarkus-app/quarkus-run.jar}: the root build packages the orchestrator before this
 * module; a build of this module alone skips the test unless that jar exists.
 */
@QuarkusTest
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = NatsTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtTestResource.class, restrictToAnnotatedClass = false)
class OrchestratorGateTest {

    static final Path JAR = Path.of("..", "orchestrator", "target", "quarkus-app", "quarkus-run.jar");
    static final Map<String, String> CHECKLIST = Map.of("tests-passing", "ci run 1", "security-scan", "scan 1",
            "migrations-tested", "n/a", "rollback-plan", "runbook", "stakeholders-notified", "#deployments",
            "on-call-assigned", "alice", "blue-tagged-stable", "v1", "dashboards-prepared", "grafana");

    static Process orchestrator;
    static String orchestratorUrl;
    static String database;

    @BeforeAll
    static void startOrchestrator() throws Exception {
        String missing = "the orchestrator jar " + JAR.toAbsolutePath()
                + " is not built; run the root build (./mvnw verify) or package services/orchestrator first";
        if (System.getenv("CI") != null) {
            // CI runs the root build, which packages the orchestrator first: a missing jar there is a failure, not a skip
            assertThat(JAR).as(missing).isRegularFile();
        }
        Assumptions.assumeTrue(Files.isRegularFile(JAR), missing);
        database = "avalo_t_orch_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        admin("CREATE DATABASE " + database);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String jdbc = PostgresTestResource.jdbcUrl().replaceAll("/[^/?]+(\\?.*)?$", "/" + database + "$1");
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.datasource.jdbc.url=" + jdbc,
                "-Dquarkus.datasource.username=" + PostgresTestResource.username(),
                "-Dquarkus.datasource.password=" + PostgresTestResource.password(),
                "-Davalo.nats.url=" + NatsTestResource.url(),
                "-Davalo.nats.subject-prefix=" + NatsTestResource.prefix(),
                "-Davalo.nats.events-stream=" + NatsTestResource.eventsStream(),
                "-Davalo.nats.routes-bucket=" + NatsTestResource.routesBucket(),
                "-Dmp.jwt.verify.publickey.location=" + TestTokens.writePublicKey().toAbsolutePath(),
                "-Dmp.jwt.verify.issuer=" + TestTokens.ISSUER,
                "-Davalo.orchestrator.schedule.timeout=5s",
                "-jar", JAR.toAbsolutePath().toString()));
        File log = Path.of("target", "orchestrator-gate.log").toFile();
        orchestrator = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
        orchestratorUrl = "http://127.0.0.1:" + port;
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
            if (!orchestrator.isAlive()) {
                throw new IllegalStateException("the orchestrator exited; see " + log.getAbsolutePath());
            }
            try {
                return given().baseUri(orchestratorUrl).get("/q/health/ready").statusCode() == 200;
            } catch (Exception notYet) { // connection refused until it listens
                return false;
            }
        });
    }

    @AfterAll
    static void stopOrchestrator() throws Exception {
        if (orchestrator != null) {
            orchestrator.destroy();
            if (!orchestrator.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                orchestrator.destroyForcibly();
                orchestrator.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
        if (database != null) {
            admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    static void admin(String sql) throws Exception {
        String configured = System.getenv("AVALO_TEST_PG_URL");
        String url = configured == null || configured.isBlank() ? PostgresTestResource.DEFAULT_URL : configured;
        try (Connection c = DriverManager.getConnection(url, PostgresTestResource.username(),
                PostgresTestResource.password());
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static io.restassured.specification.RequestSpecification orchestratorAs(String role) {
        return given().baseUri(orchestratorUrl).auth().oauth2(TestTokens.token(role, role + "-user"))
                .contentType(ContentType.JSON);
    }

    static io.restassured.specification.RequestSpecification schedulerAs(String role) {
        return given().auth().oauth2(TestTokens.token(role, role + "-user")).contentType(ContentType.JSON);
    }

    static Map<String, Object> start(String service, String environment) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("service", service);
        body.put("environment", environment);
        body.put("revision", service + "-v2");
        body.put("upstreams", List.of("http://127.0.0.1:9"));
        body.put("checklist", CHECKLIST);
        return body;
    }

    @Test
    void theOrchestratorRefusesAStartWith423WhileAFreezeIsActive() {
        String service = "gate-" + UUID.randomUUID().toString().substring(0, 8);
        for (String env : List.of("production", "staging")) {
            orchestratorAs("deployer").body(Map.of("name", service, "environment", env, "revision", service + "-v1",
                    "upstreams", List.of("http://127.0.0.1:9"))).post("/api/v1/services").then().statusCode(201);
        }
        // the orchestrator asks with its own (real) clock, so the freeze covers the real now
        Instant now = Instant.now();
        String freezeId = schedulerAs("admin").body(Map.of("name", "Launch event", "reason", "high-traffic event",
                "startsAt", now.minus(Duration.ofHours(1)).toString(), "endsAt", now.plus(Duration.ofDays(1)).toString(),
                "services", List.of(service), "environments", List.of("production", "staging")))
                .post("/api/v1/freezes").then().statusCode(201).extract().path("id");

        orchestratorAs("deployer").body(start(service, "production")).post("/api/v1/deployments").then()
                .statusCode(423).contentType("application/problem+json")
                .body("details.verdict", equalTo("BLOCKED"))
                .body("details.reasons", hasItem(org.hamcrest.Matchers.startsWith("freeze: Launch event (ad-hoc")))
                .body("details.activeFreezes.id", hasItem(freezeId));
        orchestratorAs("deployer").body(start(service, "staging")).post("/api/v1/deployments").then()
                .statusCode(423).body("details.activeFreezes.id", hasItem(freezeId));
        orchestratorAs("viewer").get("/api/v1/deployments?service=" + service).then().statusCode(200)
                .body("size()", equalTo(0));

        schedulerAs("admin").delete("/api/v1/freezes/" + freezeId).then().statusCode(204);
        String id = orchestratorAs("deployer").body(start(service, "staging")).post("/api/v1/deployments").then()
                .statusCode(201).body("environment", equalTo("staging")).extract().path("id");
        assertThat(id).isNotBlank();
    }
}
