package dev.avalo.notifier.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.nats.client.JetStream;
import io.nats.client.Nats;
import io.nats.client.Options;

import dev.avalo.contracts.Subjects;
import dev.avalo.testing.PostgresTestResource;
import dev.avalo.testing.TestTokens;

/**
 * A real stop and restart of the packaged notifier ({@code target/quarkus-app}) with Slack and PagerDuty faked by WireMock
 * answering in 50 ms: events are published while the first process is delivering, the process is stopped in the middle (so
 * sends are in flight and events are queued), more events are published while it is down, and a second process on the same
 * database and durable consumer delivers the rest. Every event reaches Slack and PagerDuty exactly once. Runs in {@code verify}
 * (failsafe), after the jar is packaged; its own database, subject prefix and stream.
 */
class RestartIT {

    static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    static final String ADMIN_URL = System.getenv("AVALO_TEST_PG_URL") == null
            ? PostgresTestResource.DEFAULT_URL
            : System.getenv("AVALO_TEST_PG_URL");
    static final String NATS_URL = System.getenv("AVALO_TEST_NATS_URL") == null
            ? "nats://127.0.0.1:4222"
            : System.getenv("AVALO_TEST_NATS_URL");
    static final String SLACK = "/services/T0/B0/restartSecret";
    static final String PD = "/v2/enqueue";
    static final Pattern DEPLOYMENT = Pattern.compile("restart-deployment-(\\d+)");

    static String run;
    static String database;
    static Process process;
    static WireMockServer wiremock;
    static io.nats.client.Connection nats;

    @BeforeAll
    static void setUp() throws Exception {
        assertThat(JAR).as("the packaged notifier (run mvn verify)").isRegularFile();
        run = "r" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        database = "avalo_t_" + run;
        admin("CREATE DATABASE " + database);
        wiremock = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1").containerThreads(64));
        wiremock.start();
        wiremock.stubFor(post(urlEqualTo(SLACK)).willReturn(aResponse().withStatus(200).withBody("ok")
                .withFixedDelay(50)));
        wiremock.stubFor(post(urlEqualTo(PD)).willReturn(aResponse().withStatus(202)
                .withBody("{\"status\":\"success\",\"dedup_key\":\"k\"}").withFixedDelay(50)));
        nats = Nats.connect(new Options.Builder().server(NATS_URL).maxReconnects(0).build());
    }

    @AfterAll
    static void tearDown() throws Exception {
        stop();
        if (database != null) {
            admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
        if (nats != null) {
            try {
                nats.jetStreamManagement().deleteStream(stream());
            } catch (Exception e) {
                // not created or already gone
            }
            nats.close();
        }
        if (wiremock != null) {
            wiremock.stop();
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
        String base = "http://127.0.0.1:" + wiremock.port();
        File log = Path.of("target", "restart-it-" + name + ".log").toFile();
        process = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.datasource.jdbc.url=" + jdbc,
                "-Dquarkus.datasource.username=" + PostgresTestResource.username(),
                "-Dquarkus.datasource.password=" + PostgresTestResource.password(),
                "-Davalo.nats.url=" + NATS_URL,
                "-Davalo.nats.subject-prefix=" + run,
                "-Davalo.nats.events-stream=" + stream(),
                "-Davalo.notifier.consumer.ack-wait=5s",
                "-Davalo.notifier.slack.channels.alerts.webhook-url=" + base + SLACK,
                "-Davalo.notifier.pagerduty.routing-key=restartRoutingKey",
                "-Davalo.notifier.pagerduty.events-url=" + base + PD,
                "-Davalo.notifier.channels.slack-alerts.rate-limit=none",
                "-Davalo.notifier.delivery.concurrency=8",
                "-Dmp.jwt.verify.publickey.location=" + TestTokens.writePublicKey().toAbsolutePath(),
                "-Dmp.jwt.verify.issuer=" + TestTokens.ISSUER,
                "-jar", JAR.toAbsolutePath().toString()).redirectErrorStream(true).redirectOutput(log).start();
        String url = "http://127.0.0.1:" + port;
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("the notifier exited; see " + log.getAbsolutePath());
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
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            process = null;
        }
    }

    static void publish(JetStream js, Subjects subjects, int from, int to) {
        for (int i = from; i < to; i++) {
            String deployment = "restart-deployment-" + i;
            Events.publishDeployment(js, subjects, stream(), "event-" + run + "-" + i, "failed",
                    Events.deployment(deployment, "restart-svc", "FAILED", "health", "error-rate-3m breached"));
        }
    }

    /** How many requests each event produced on {@code path}, by event number. */
    static Map<Integer, Integer> counts(String path) {
        Map<Integer, Integer> counts = new HashMap<>();
        for (LoggedRequest r : wiremock.findAll(postRequestedFor(urlEqualTo(path)))) {
            Matcher m = DEPLOYMENT.matcher(r.getBodyAsString());
            if (m.find()) {
                counts.merge(Integer.parseInt(m.group(1)), 1, Integer::sum);
            }
        }
        return counts;
    }

    @Test
    void everyEventIsDeliveredExactlyOnceAcrossAStopAndARestart() throws Exception {
        Subjects subjects = Subjects.withPrefix(run);
        JetStream js = nats.jetStream();
        start("first");
        publish(js, subjects, 0, 150);
        // stop in the middle of delivering: some events delivered, some sends in flight, some events not yet consumed
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> wiremock.findAll(postRequestedFor(urlEqualTo(SLACK))).size() >= 30);
        stop();
        int beforeRestart = counts(SLACK).size();
        assertThat(beforeRestart).as("stopped before everything was delivered").isLessThan(150);

        publish(js, subjects, 150, 250); // the notifier is down: these wait in the stream
        start("second");
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> counts(SLACK).size() == 250 && counts(PD).size() == 250);
        // and nothing more trickles in (an unacknowledged redelivery would show up within the 5 s ack wait)
        await().during(Duration.ofSeconds(7)).atMost(Duration.ofSeconds(10)).until(() -> counts(SLACK).size() == 250);
        List<String> doubled = new ArrayList<>();
        counts(SLACK).forEach((event, n) -> {
            if (n != 1) {
                doubled.add("slack event " + event + " × " + n);
            }
        });
        counts(PD).forEach((event, n) -> {
            if (n != 1) {
                doubled.add("pagerduty event " + event + " × " + n);
            }
        });
        assertThat(doubled).isEmpty();
    }
}
