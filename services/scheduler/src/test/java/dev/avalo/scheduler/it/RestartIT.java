package dev.avalo.scheduler.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.nats.client.Nats;
import io.nats.client.Options;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import dev.avalo.testing.PostgresTestResource;
import dev.avalo.testing.TestTokens;

/**
 * A real restart of the packaged scheduler ({@code target/quarkus-app}): the first process stores an ad-hoc freeze and opens an
 * incident, is stopped, and a second process on the same database still blocks production with both, and resolves the incident.
 * Runs in {@code verify} (failsafe), after the jar is packaged; its own database, subject prefix and stream.
 */
class RestartIT {

    static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    static final String ADMIN_URL = System.getenv("AVALO_TEST_PG_URL") == null
            ? PostgresTestResource.DEFAULT_URL
            : System.getenv("AVALO_TEST_PG_URL");
    static final String NATS_URL = System.getenv("AVALO_TEST_NATS_URL") == null
            ? "nats://127.0.0.1:4222"
            : System.getenv("AVALO_TEST_NATS_URL");

    static String run;
    static String database;
    static Process process;
    static String url;

    @BeforeAll
    static void setUp() throws Exception {
        assertThat(JAR).as("the packaged scheduler (run mvn verify)").isRegularFile();
        run = "r" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        database = "avalo_t_" + run;
        admin("CREATE DATABASE " + database);
    }

    @AfterAll
    static void tearDown() throws Exception {
        stop();
        if (database != null) {
            admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
        try (io.nats.client.Connection c = Nats.connect(new Options.Builder().server(NATS_URL).maxReconnects(0).build())) {
            c.jetStreamManagement().deleteStream(stream());
        } catch (Exception e) {
            // not created or already gone
        }
    }

    static String stream() {
        return "AVALO_EVENTS_" + run.toUpperCase(java.util.Locale.ROOT);
    }

    static void admin(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(ADMIN_URL, PostgresTestResource.username(),
                PostgresTestResource.password()); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static void start(String name) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String jdbc = ADMIN_URL.replaceAll("/[^/?]+(\\?.*)?$", "/" + database + "$1");
        File log = Path.of("target", "restart-it-" + name + ".log").toFile();
        process = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.datasource.jdbc.url=" + jdbc,
                "-Dquarkus.datasource.username=" + PostgresTestResource.username(),
                "-Dquarkus.datasource.password=" + PostgresTestResource.password(),
                "-Davalo.nats.url=" + NATS_URL,
                "-Davalo.nats.subject-prefix=" + run,
                "-Davalo.nats.events-stream=" + stream(),
                "-Dmp.jwt.verify.publickey.location=" + TestTokens.writePublicKey().toAbsolutePath(),
                "-Dmp.jwt.verify.issuer=" + TestTokens.ISSUER,
                "-jar", JAR.toAbsolutePath().toString()).redirectErrorStream(true).redirectOutput(log).start();
        url = "http://127.0.0.1:" + port;
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("the scheduler exited; see " + log.getAbsolutePath());
            }
            try {
                return given().baseUri(url).get("/q/health/ready").statusCode() == 200;
            } catch (Exception notYet) { // connection refused until it listens
                return false;
            }
        });
    }

    static void stop() throws Exception {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            process = null;
        }
    }

    static RequestSpecification as(String role) {
        return given().baseUri(url).auth().oauth2(TestTokens.token(role, role + "-user")).contentType(ContentType.JSON);
    }

    @Test
    void freezesAndIncidentsSurviveARestart() throws Exception {
        String service = "restart-" + run;
        String incident = "INC-" + run;
        Instant now = Instant.now();
        start("first");
        String freezeId = as("admin").body(Map.of("name", "Launch week", "startsAt", now.plus(Duration.ofDays(2))
                .toString(), "endsAt", now.plus(Duration.ofDays(9)).toString(), "services", List.of(service)))
                .post("/api/v1/freezes").then().statusCode(201).extract().path("id");
        as("deployer").body(Map.of("id", incident, "title", "search down", "services", List.of(service)))
                .post("/api/v1/incidents").then().statusCode(201);
        as("viewer").queryParam("service", service).queryParam("environment", "production")
                .get("/api/v1/schedule/check").then().body("activeFreezes.id", hasItem("incident-" + incident));
        stop();

        start("second");
        as("viewer").queryParam("service", service).queryParam("environment", "production")
                .get("/api/v1/schedule/check").then().statusCode(200).body("verdict", equalTo("BLOCKED"))
                .body("activeFreezes.id", hasItem("incident-" + incident));
        as("viewer").queryParam("service", service).queryParam("environment", "production")
                .queryParam("at", now.plus(Duration.ofDays(3)).toString()).get("/api/v1/schedule/check").then()
                .body("verdict", equalTo("BLOCKED")).body("activeFreezes.id", hasItem(freezeId));
        as("viewer").queryParam("from", now.toString()).queryParam("to", now.plus(Duration.ofDays(30)).toString())
                .get("/api/v1/freezes").then().body("id", hasItem(freezeId));
        List<String> actions = as("viewer").get("/api/v1/audit").then().extract().path("action");
        assertThat(actions).contains("freeze.created", "incident.opened");
        as("deployer").post("/api/v1/incidents/" + incident + "/resolve").then().statusCode(200);
        as("viewer").queryParam("service", service).queryParam("environment", "production")
                .get("/api/v1/schedule/check").then()
                .body("activeFreezes.id", org.hamcrest.Matchers.not(hasItem("incident-" + incident)));
    }
}
