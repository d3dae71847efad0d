package dev.avalo.orchestrator.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.avalo.contracts.Json;
import dev.avalo.contracts.Subjects;
import dev.avalo.contracts.health.GateResult;
import dev.avalo.contracts.health.HealthReport;
import dev.avalo.contracts.health.SampleCounts;
import dev.avalo.contracts.health.Verdict;
import dev.avalo.orchestrator.checklist.Checklist;
import dev.avalo.orchestrator.strategy.Gates;
import dev.avalo.testing.NatsProbe;
import dev.avalo.testing.NatsTestResource;
import dev.avalo.testing.PostgresTestResource;
import dev.avalo.testing.TestTokens;

/**
 * Two orchestrator processes (the packaged jar) on one database and one NATS: while both run they share the work without
 * doubling a transition; when one is killed the other takes over its deadlines. Real time here (a separate JVM cannot share a
 * stepped clock), with strategy durations scaled by 900 so a 15-minute stage takes one second.
 */
class TwoReplicasIT {

    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final PostgresTestResource POSTGRES = new PostgresTestResource();
    private static final NatsTestResource NATS = new NatsTestResource();
    private static final Map<String, String> CONFIG = new HashMap<>();
    private static Replica a;
    private static Replica b;
    private static NatsProbe nats;
    private static final ScheduledExecutorService REPORTER = Executors.newSingleThreadScheduledExecutor();

    record Replica(String name, int port, Process process) {
        String url(String path) {
            return "http://127.0.0.1:" + port + path;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        assertThat(JAR).as("packaged orchestrator (run by failsafe after package)").exists();
        CONFIG.putAll(POSTGRES.start());
        CONFIG.putAll(NATS.start());
        CONFIG.put("mp.jwt.verify.publickey.location", TestTokens.writePublicKey().toAbsolutePath().toString());
        CONFIG.put("mp.jwt.verify.issuer", TestTokens.ISSUER);
        CONFIG.put("avalo.orchestrator.duration-scale", "900");
        CONFIG.put("avalo.orchestrator.schedule.enabled", "false");
        CONFIG.put("avalo.orchestrator.health.warn-after", "30s");
        CONFIG.put("avalo.orchestrator.health.pause-after", "2m");
        CONFIG.put("avalo.orchestrator.sweep.every", "200ms");
        a = launch("a");
        b = launch("b");
        nats = NatsProbe.connect(NatsTestResource.url());
    }

    @AfterAll
    static void stop() {
        REPORTER.shutdownNow();
        for (Replica r : new Replica[]{a, b}) {
            if (r != null) {
                r.process().destroy();
                try {
                    r.process().waitFor(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                r.process().destroyForcibly();
            }
        }
        if (nats != null) {
            nats.close();
        }
        NATS.stop();
        POSTGRES.stop();
    }

    @Test
    void replicasShareTheWorkAndTheSurvivorTakesOverDeadlines() throws Exception {
        List<String> services = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String service = "replica-" + i + "-" + Long.toString(System.nanoTime(), 36);
            Replica via = i % 2 == 0 ? a : b;
            assertThat(post(via, "/api/v1/services", Map.of("name", service, "environment", "production", "revision",
                    service + "-v1", "upstreams", List.of("http://127.0.0.1:9001"))).statusCode()).isEqualTo(201);
            Map<String, Object> start = new LinkedHashMap<>();
            start.put("service", service);
            start.put("environment", "production");
            start.put("revision", service + "-v2");
            start.put("upstreams", List.of("http://127.0.0.1:9002"));
            Map<String, String> checklist = new LinkedHashMap<>();
            Checklist.PRE_ITEMS.keySet().forEach(k -> checklist.put(k, "it"));
            start.put("checklist", checklist);
            HttpResponse<String> created = post(via, "/api/v1/deployments", start);
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            services.add(service);
            ids.add((String) Json.decode(created.body().getBytes(), Map.class).get("id"));
        }
        // healthy reports for every canary, several times a second, from "the health-scorer"
        Subjects subjects = Subjects.withPrefix(NatsTestResource.prefix());
        REPORTER.scheduleAtFixedRate(() -> {
            for (String s : services) {
                HealthReport report = new HealthReport(s, "production", s + "-v2", null, Instant.now(), 97.0, Map.of(),
                        Verdict.PROCEED, List.of(),
                        Gates.names().stream().map(g -> new GateResult(g, "PASS", null)).toList(),
                        new SampleCounts(1000, 99000));
                nats.publish(subjects.health(s, "production"), Json.encode(report));
            }
        }, 0, 250, TimeUnit.MILLISECONDS);

        // both alive: every deployment reaches stage 2 (10 %)
        await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream().allMatch(id -> stageIndex(b, id) >= 1));

        // replica a dies; b alone takes every deadline on to the bake (100 %)
        a.process().destroyForcibly();
        a.process().waitFor(20, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(90)).until(() -> ids.stream().allMatch(id -> "BAKING".equals(state(b, id))));

        for (String id : ids) {
            List<Map<String, Object>> events = Json.mapper().readValue(get(b, "/api/v1/deployments/" + id + "/events")
                    .body(), Json.mapper().getTypeFactory().constructCollectionType(List.class, Map.class));
            List<String> entered = events.stream().filter(e -> "stage.entered".equals(e.get("type")))
                    .map(e -> String.valueOf(e.get("stageIndex"))).toList();
            assertThat(entered).as("each stage entered exactly once for %s", id).containsExactly("0", "1", "2", "3",
                    "4");
            assertThat(events.stream().filter(e -> "stage.passed".equals(e.get("type"))).count()).isEqualTo(5);
        }
        assertThat(Files.readString(Path.of("target/replica-b.log"))).doesNotContain("changed under a row lock");
    }

    private static int stageIndex(Replica r, String id) {
        Map<?, ?> d = Json.decode(get(r, "/api/v1/deployments/" + id).body().getBytes(), Map.class);
        return (Integer) ((Map<?, ?>) d.get("stage")).get("index");
    }

    private static String state(Replica r, String id) {
        return (String) Json.decode(get(r, "/api/v1/deployments/" + id).body().getBytes(), Map.class).get("state");
    }

    private static HttpResponse<String> get(Replica r, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(r.url(path)))
                    .header("Authorization", "Bearer " + TestTokens.token("viewer")).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> post(Replica r, String path, Object body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(r.url(path)))
                .header("Authorization", "Bearer " + TestTokens.token("deployer"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.encode(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Replica launch(String name) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx256m");
        command.add("-Dquarkus.http.port=" + port);
        command.add("-Davalo.orchestrator.instance-id=replica-" + name);
        CONFIG.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(JAR.toString());
        Path log = Path.of("target/replica-" + name + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Replica replica = new Replica(name, port, process);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("replica " + name + " exited: " + Files.readString(log));
            }
            try {
                return HTTP.send(HttpRequest.newBuilder(URI.create(replica.url("/q/health/ready"))).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
        return replica;
    }
}
