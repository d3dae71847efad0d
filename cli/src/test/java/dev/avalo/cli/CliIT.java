package dev.avalo.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

import dev.avalo.contracts.Json;
import dev.avalo.contracts.Subjects;
import dev.avalo.contracts.health.GateResult;
import dev.avalo.contracts.health.HealthReport;
import dev.avalo.contracts.health.SampleCounts;
import dev.avalo.contracts.health.Verdict;
import dev.avalo.contracts.route.DesiredRoute;
import dev.avalo.contracts.route.RouterApplied;
import dev.avalo.testing.NatsProbe;
import dev.avalo.testing.NatsTestResource;
import dev.avalo.testing.PostgresTestResource;

/**
 * Every command against a real orchestrator and scheduler (their packaged jars as processes on free ports, fresh databases,
 * this run's NATS prefix). Tokens are the CLI's own: signed with {@code home/.avalo/keys} as the local setup does. The test
 * plays the health-scorer (PROCEED reports for the services in {@link #HEALTHY}) and the traffic-router (acks every new route
 * generation of every service but those in {@link #SILENT_ROUTER}), on NATS as the real ones do. Durations are divided by 900,
 * so a 15-minute stage takes one second.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliIT {

    private static final PostgresTestResource ORCHESTRATOR_DB = new PostgresTestResource();
    private static final PostgresTestResource SCHEDULER_DB = new PostgresTestResource();
    private static final NatsTestResource NATS = new NatsTestResource();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String RUN = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    private static final List<String> GATES = List.of("error-rate", "latency-p95", "success-rate", "no-critical-alerts",
            "db-query-time", "ai-model-latency", "payment-success", "engagement", "revenue", "chat-delivery-latency",
            "baseline-comparison", "system-health", "ab-comparison", "user-feedback");
    private static final List<String> CHECKLIST = List.of("tests-passing", "security-scan", "migrations-tested",
            "rollback-plan", "stakeholders-notified", "on-call-assigned", "blue-tagged-stable", "dashboards-prepared");

    /** service/env → canary revision to report healthy. */
    private static final Map<String, String> HEALTHY = new ConcurrentHashMap<>();
    /** service/env registered, whose routes the fake router acks... */
    private static final Set<String> REGISTERED = ConcurrentHashMap.newKeySet();
    /** ...except these. */
    private static final Set<String> SILENT_ROUTER = ConcurrentHashMap.newKeySet();
    private static final Map<String, Long> ACKED = new ConcurrentHashMap<>();
    private static final ScheduledExecutorService FAKES = Executors.newSingleThreadScheduledExecutor();

    private static Path home;
    private static Servers.Service orchestrator;
    private static Servers.Service scheduler;
    private static NatsProbe nats;
    private static Subjects subjects;
    private static Cli cli;

    @BeforeAll
    static void start() throws Exception {
        Path orchestratorJar = Servers.jar("orchestrator");
        Path schedulerJar = Servers.jar("scheduler");
        home = Files.createTempDirectory("avalo-cli-it");
        Path publicKey = Servers.writeKeys(home);
        Map<String, String> common = new HashMap<>(NATS.start());
        common.put("mp.jwt.verify.publickey.location", publicKey.toString());
        common.put("mp.jwt.verify.issuer", LocalToken.ISSUER);

        Map<String, String> o = new HashMap<>(common);
        o.putAll(ORCHESTRATOR_DB.start());
        o.put("avalo.orchestrator.duration-scale", "900");
        o.put("avalo.orchestrator.health.warn-after", "30s");
        o.put("avalo.orchestrator.health.pause-after", "2m");
        o.put("avalo.orchestrator.sweep.every", "200ms");
        o.put("avalo.orchestrator.rollback.ack-timeout", "3s");
        o.put("avalo.orchestrator.schedule.timeout", "10s");
        Map<String, String> s = new HashMap<>(common);
        s.putAll(SCHEDULER_DB.start());
        orchestrator = Servers.launch("orchestrator", orchestratorJar, o);
        scheduler = Servers.launch("scheduler", schedulerJar, s);
        Servers.awaitReady(orchestrator);
        Servers.awaitReady(scheduler);

        nats = NatsProbe.connect(NatsTestResource.url());
        subjects = Subjects.withPrefix(NatsTestResource.prefix());
        FAKES.scheduleWithFixedDelay(CliIT::playScorerAndRouter, 0, 150, TimeUnit.MILLISECONDS);
        cli = new Cli(Map.of("AVALO_URL", orchestrator.url(), "AVALO_SCHEDULER_URL", scheduler.url(), "AVALO_HEALTH_URL",
                "http://127.0.0.1:" + Servers.freePort(), "USER", "cli-it"), home);
    }

    @AfterAll
    static void stop() {
        FAKES.shutdownNow();
        for (Servers.Service service : new Servers.Service[]{orchestrator, scheduler}) {
            if (service != null) {
                service.stop();
            }
        }
        if (nats != null) {
            nats.close();
        }
        NATS.stop();
        ORCHESTRATOR_DB.stop();
        SCHEDULER_DB.stop();
    }

    private static void playScorerAndRouter() {
        try {
            HEALTHY.forEach((key, revision) -> {
                String[] se = key.split("/");
                HealthReport report = new HealthReport(se[0], se[1], revision, null, Instant.now(), 97.0, Map.of(),
                        Verdict.PROCEED, List.of(), GATES.stream().map(g -> new GateResult(g, "PASS", null)).toList(),
                        new SampleCounts(1000, 99000));
                nats.publish(subjects.health(se[0], se[1]), Json.encode(report));
            });
            for (String key : REGISTERED) {
                if (SILENT_ROUTER.contains(key)) {
                    continue;
                }
                String[] se = key.split("/");
                nats.kvGet(NatsTestResource.routesBucket(), Subjects.routeKey(se[0], se[1])).ifPresent(bytes -> {
                    long generation = Json.decode(bytes, DesiredRoute.class).generation();
                    if (ACKED.getOrDefault(key, -1L) < generation) {
                        nats.publish(subjects.routerApplied(se[0], se[1]),
                                Json.encode(new RouterApplied("router-cli-it", generation, Instant.now())));
                        ACKED.put(key, generation);
                    }
                });
            }
        } catch (RuntimeException e) {
            // the next tick tries again
        }
    }

    // ---------------------------------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void startStatusListControlAndProblems() throws Exception {
        String service = register("status", "staging");
        Cli.Result started = ok("deploy", "start", "--service", service, "--env", "staging", "--revision", service + "-v2",
                "--upstream", "http://127.0.0.1:9002", "--idempotency-key", "k-1", "--json");
        String id = started.json().get("id").asText();
        assertThat(started.json().get("toRevision").asText()).isEqualTo(service + "-v2");

        Cli.Result replay = ok("deploy", "start", "--service", service, "--env", "staging", "--revision", service + "-v2",
                "--upstream", "http://127.0.0.1:9002", "--idempotency-key", "k-1");
        assertThat(replay.out()).contains("already started (idempotent replay): " + id);

        Cli.Result second = cli.run("deploy", "start", "--service", service, "--env", "staging", "--revision",
                service + "-v3", "--upstream", "http://127.0.0.1:9003");
        assertThat(second.code()).as(second.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(second.err()).contains("HTTP 409", "detail: deployment " + id, "is already live");

        Cli.Result status = ok("deploy", "status", id);
        assertThat(status.out()).contains(service + " in staging", service + "-v1 -> " + service + "-v2",
                "stage        1 canary-10 at 10 % canary");
        assertThat(ok("deploy", "status", "--service", service, "--env", "staging", "--json").json().get("id").asText())
                .isEqualTo(id);
        JsonNode list = ok("deploy", "list", "--service", service, "--json").json();
        assertThat(list).hasSize(1);
        assertThat(ok("deploy", "list", "--service", service).out()).contains(id, "canary-10 10 %");

        Cli.Result missing = cli.run("deploy", "status", UUID.randomUUID().toString());
        assertThat(missing.code()).as(missing.toString()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(missing.err()).contains("HTTP 404");
        Cli.Result noLive = cli.run("deploy", "pause", "--service", "nothing-" + RUN, "--env", "staging");
        assertThat(noLive.code()).as(noLive.toString()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(noLive.err()).contains("no live deployment of nothing-" + RUN + " in staging");

        assertThat(ok("deploy", "pause", id, "--reason", "lunch", "--json").json().get("state").asText())
                .isEqualTo("PAUSED");
        Cli.Result again = cli.run("deploy", "pause", id);
        assertThat(again.code()).as(again.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(again.err()).contains("HTTP 409");
        assertThat(ok("deploy", "resume", "--service", service, "--env", "staging").out()).contains("resume: " + id
                + " is RUNNING");
        Cli.Result promote = cli.run("deploy", "promote", id);
        assertThat(promote.code()).as(promote.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(promote.err()).contains("needs approval");
        assertThat(ok("deploy", "events", id).out()).contains("paused", "resumed");

        // no report reached the orchestrator: watch asks the health-scorer (here a stand-in serving one report)
        HttpServer scorer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] report = Json.encode(new HealthReport(service, "staging", service + "-v2", null, Instant.now(), 88.5,
                Map.of(), Verdict.CONTINUE, List.of(), List.of(), new SampleCounts(10, 990)));
        scorer.createContext("/api/v1/health/" + service + "/staging", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, report.length);
            exchange.getResponseBody().write(report);
            exchange.close();
        });
        scorer.start();
        try {
            Cli.Result watch = ok("deploy", "watch", id, "--until", "RUNNING", "--health-url", "http://127.0.0.1:"
                    + scorer.getAddress().getPort());
            assertThat(watch.out()).contains("10 %  stage 1/3 canary-10  RUNNING  score 88.5 CONTINUE");
        } finally {
            scorer.stop(0);
        }

        Cli.Result garbage = cli.with("AVALO_TOKEN", "not-a-jwt").run("deploy", "status", id);
        assertThat(garbage.code()).as(garbage.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(garbage.err()).contains("HTTP 401");
        String viewer = ok("token", "viewer", "vera").out().strip();
        Cli.Result forbidden = cli.run("--token", viewer, "deploy", "pause", id);
        assertThat(forbidden.code()).as(forbidden.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(forbidden.err()).contains("HTTP 403");
        Cli.Result problemJson = cli.run("deploy", "pause", id, "--token", viewer, "--json");
        assertThat(problemJson.json().get("status").asInt()).isEqualTo(403);
    }

    @Test
    @Order(2)
    void watchApproveRollBackAStageAndAbort() throws Exception {
        String service = register("approve", "staging");
        HEALTHY.put(service + "/staging", service + "-v2");
        String id = start(service, "staging");

        Cli.Result watch = cli.run("deploy", "watch", id, "--until", "AWAITING_APPROVAL", "--interval", "0.2", "--timeout",
                "60");
        assertThat(watch.code()).as(watch.toString()).isZero();
        List<String> lines = watch.out().lines().toList();
        assertThat(lines.get(lines.size() - 1)).startsWith("[###---------------------------]")
                .contains("10 %  stage 1/3 canary-10  AWAITING_APPROVAL  score 97.0 PROCEED");
        assertThat(watch.err()).contains("watch: " + id + " is AWAITING_APPROVAL");

        JsonNode approved = ok("deploy", "approve", id, "--reason", "looks good", "--json").json();
        assertThat(approved.get("stage").get("name").asText()).isEqualTo("canary-50");

        // a stand-in router admin API that serves the stage's weight at a generation beyond any the orchestrator wrote
        java.util.concurrent.atomic.AtomicInteger routerAsked = new java.util.concurrent.atomic.AtomicInteger();
        HttpServer router = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] applied = "{\"generation\":1000000,\"canaryWeightBasisPoints\":1000}".getBytes(StandardCharsets.UTF_8);
        router.createContext("/api/v1/routes/" + service + "/staging", exchange -> {
            routerAsked.incrementAndGet();
            exchange.sendResponseHeaders(200, applied.length);
            exchange.getResponseBody().write(applied);
            exchange.close();
        });
        router.start();
        Cli.Result rollback;
        try {
            rollback = ok("deploy", "rollback", id, "--stage=previous", "--timeout", "30", "--router-admin-url",
                    "http://127.0.0.1:" + router.getAddress().getPort());
        } finally {
            router.stop(0);
        }
        assertThat(routerAsked.get()).isPositive();
        assertThat(rollback.out()).contains("state        PAUSED", "canary-10 at 10 %");
        assertThat(rollback.err()).containsPattern("rollback: PAUSED at stage canary-10 \\(1000 bp\\); call to router ack "
                + "\\d+ ms");

        ok("deploy", "abort", "--service", service, "--env", "staging", "--reason", "enough");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(ok("deploy", "status", id, "--json").json()
                .get("state").asText()).isEqualTo("ABORTED"));
    }

    @Test
    @Order(3)
    void watchFollowsADeploymentToSuccess() {
        String service = register("watch", "development");
        HEALTHY.put(service + "/development", service + "-v2");
        String id = start(service, "development");

        Cli.Result watch = cli.run("deploy", "watch", id, "--interval", "0.2", "--timeout", "90");
        assertThat(watch.code()).as(watch.toString()).isZero();
        assertThat(watch.out().lines().toList().get(watch.out().lines().toList().size() - 1))
                .startsWith("[##############################]").contains("100 %  stage 1/1 direct  SUCCEEDED");
        assertThat(watch.err()).contains("watch: " + id + " is SUCCEEDED");

        Cli.Result json = ok("deploy", "watch", id, "--json");
        assertThat(json.json().get("state").asText()).isEqualTo("SUCCEEDED");
        Cli.Result nothingLive = cli.run("deploy", "rollback", "--service", service, "--env", "development",
                "--immediate");
        assertThat(nothingLive.code()).as(nothingLive.toString()).isEqualTo(ExitCodes.NOT_FOUND);
    }

    @Test
    @Order(4)
    void rollbackImmediateAndToARevisionWaitForTheRoutersAck() {
        String service = register("rollback", "staging");
        String first = start(service, "staging");
        Cli.Result immediate = ok("deploy", "rollback", first, "--immediate", "--timeout", "30", "--json");
        assertThat(immediate.json().get("state").asText()).isEqualTo("ROLLED_BACK");
        assertThat(immediate.json().get("rollbackMillis").asLong()).isNotNegative();
        assertThat(immediate.err()).containsPattern("call to router ack \\d+ ms \\(orchestrator: decision to ack \\d+ ms\\)");

        String second = start(service, "staging", service + "-v3");
        Cli.Result unknown = cli.run("deploy", "rollback", second, "--revision=" + service + "-v0");
        assertThat(unknown.code()).as(unknown.toString()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(unknown.err()).contains("HTTP 404", "field: revision");
        Cli.Result revision = ok("deploy", "rollback", "--service", service, "--env", "staging", "--revision",
                service + "-v1", "--reason", "back to v1");
        assertThat(revision.out()).contains("state        ROLLED_BACK");
        assertThat(ok("deploy", "events", second).out()).contains("back to v1");
    }

    @Test
    @Order(5)
    void rollbackWithoutARouterAckFails() {
        String service = register("silent", "staging");
        SILENT_ROUTER.add(service + "/staging");
        String id = start(service, "staging");
        Cli.Result r = cli.run("deploy", "rollback", id, "--immediate", "--timeout", "30");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.err()).contains("no router acknowledged the stable route");
        assertThat(r.out()).contains("ROLLED_BACK");
    }

    @Test
    @Order(6)
    void freezesBlockStartsAndScheduleChecksUntilRemoved() {
        String service = register("freeze", "staging");
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS);
        JsonNode freeze = ok("freeze", "add", "--name", "cli-it launch " + RUN, "--reason", "launch", "--starts-at",
                now.minusMinutes(5).toString(), "--ends-at", now.plusHours(2).toString(), "--env", "staging", "--service",
                service, "--json").json();
        String freezeId = freeze.get("id").asText();
        assertThat(ok("freeze", "list", "--json").json().findValuesAsText("id")).contains(freezeId);
        assertThat(ok("freeze", "list").out()).contains(freezeId, "cli-it launch " + RUN, "env staging");

        Cli.Result check = cli.run("schedule", "check", "--service", service, "--env", "staging");
        assertThat(check.code()).as(check.toString()).isEqualTo(ExitCodes.BLOCKED);
        assertThat(check.out()).contains("BLOCKED (blocked)", "freeze: cli-it launch " + RUN, "next allowed at");

        JsonNode overridden = ok("schedule", "check", "--service", service, "--env", "staging", "--emergency-reason",
                "customer outage", "--approved-by", "cto", "--json").json();
        assertThat(overridden.get("verdict").asText()).isEqualTo("OVERRIDDEN");

        Cli.Result blocked = cli.run("deploy", "start", "--service", service, "--env", "staging", "--revision",
                service + "-v2", "--upstream", "http://127.0.0.1:9002");
        assertThat(blocked.code()).as(blocked.toString()).isEqualTo(ExitCodes.BLOCKED);
        assertThat(blocked.err()).contains("HTTP 423", "detail: the schedule blocks", "reasons:", "cli-it launch " + RUN);

        Cli.Result backwards = cli.run("freeze", "add", "--name", "backwards", "--starts-at", now.plusHours(2).toString(),
                "--ends-at", now.plusHours(1).toString());
        assertThat(backwards.code()).as(backwards.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(backwards.err()).contains("HTTP 400", "field: endsAt");
        String deployer = ok("token", "deployer").out().strip();
        Cli.Result notAdmin = cli.with("AVALO_TOKEN", deployer).run("freeze", "remove", freezeId);
        assertThat(notAdmin.code()).as(notAdmin.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(notAdmin.err()).contains("HTTP 403");

        assertThat(ok("freeze", "remove", freezeId).out()).contains("freeze removed: " + freezeId);
        JsonNode allowed = ok("schedule", "check", "--service", service, "--env", "staging", "--json").json();
        assertThat(allowed.get("allowed").asBoolean()).isTrue();
        start(service, "staging");
        Cli.Result gone = cli.run("freeze", "remove", freezeId);
        assertThat(gone.code()).as(gone.toString()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(gone.err()).contains("HTTP 404", "field: id");
    }

    @Test
    @Order(7)
    void productionNeedsTheChecklistAndAnEmergencyGoesThroughAnySchedule() throws Exception {
        String service = register("prod", "production");
        Cli.Result incomplete = cli.run("deploy", "start", "--service", service, "--env", "production", "--revision",
                service + "-v2", "--upstream", "http://127.0.0.1:9002", "--check", "tests-passing=ci#42");
        assertThat(incomplete.code()).as(incomplete.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(incomplete.err()).contains("HTTP 422", "field: checklist", "missing:", "security-scan");

        Path file = home.resolve("checklist.txt");
        List<String> lines = new ArrayList<>(List.of("# pre-deployment checklist", ""));
        CHECKLIST.forEach(item -> lines.add(item + " = " + item + " done by cli-it"));
        Files.write(file, lines, StandardCharsets.UTF_8);
        Cli.Result emergency = ok("deploy", "start", "--service", service, "--env", "production", "--revision",
                service + "-v2", "--upstream", "http://127.0.0.1:9002", "--checklist-file", file.toString(),
                "--emergency-reason", "hotfix for a payment outage", "--approved-by", "cto", "--json");
        assertThat(emergency.json().get("environment").asText()).isEqualTo("production");
        assertThat(emergency.json().get("createdBy").asText()).isEqualTo("cli-it");
    }

    @Test
    @Order(8)
    void emergencyStopRevertsEveryLiveDeployment() {
        List<String> live = new ArrayList<>();
        ok("deploy", "list", "--limit", "100", "--json").json().forEach(d -> {
            if (Target.LIVE.contains(d.get("state").asText())) {
                live.add(d.get("id").asText());
            }
        });
        assertThat(live).as("deployments left live by the earlier tests").hasSizeGreaterThanOrEqualTo(2);

        Cli.Result stop = ok("emergency-stop", "--reason", "cli-it: stop everything", "--timeout", "60");
        for (String id : live) {
            assertThat(stop.out()).contains(id);
        }
        assertThat(stop.err()).contains("stopping " + live.size() + " deployment(s)")
                .containsPattern("call to every router ack \\d+ ms");
        for (String id : live) {
            assertThat(ok("deploy", "status", id, "--json").json().get("state").asText()).isEqualTo("ROLLED_BACK");
        }
        assertThat(ok("emergency-stop", "--reason", "again").out()).contains("no live deployment; nothing to stop");
        Cli.Result noReason = cli.run("emergency-stop");
        assertThat(noReason.code()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    @Order(9)
    void theWrapperScriptRunsThePackagedJar() throws Exception {
        Path wrapper = Path.of("..", "scripts", "avalo").toAbsolutePath().normalize();
        assertThat(Path.of("target", "avalo.jar")).as("packaged CLI (failsafe runs after package)").exists();
        Process p = new ProcessBuilder("bash", wrapper.toString(), "--url", orchestrator.url(), "deploy", "list",
                "--limit", "3", "--json").directory(home.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(Json.decode(out.getBytes(StandardCharsets.UTF_8), JsonNode.class)).hasSize(3);

        Process usage = new ProcessBuilder("bash", wrapper.toString(), "deploy", "rollback", "--immediate")
                .directory(home.toFile()).redirectErrorStream(true).start();
        String text = new String(usage.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(usage.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(usage.exitValue()).as(text).isEqualTo(ExitCodes.USAGE);
        assertThat(text).contains("which deployment?");
    }

    // ---------------------------------------------------------------------------------------------------------------------

    private static Cli.Result ok(String... args) {
        Cli.Result r = cli.run(args);
        assertThat(r.code()).as("avalo %s%n%s", String.join(" ", args), r).isZero();
        return r;
    }

    /** Registers {@code <prefix>-<run>} in {@code env} with revision {@code -v1} over REST; returns the name. */
    private static String register(String prefix, String env) {
        String service = prefix + "-" + RUN;
        String token = ok("token", "deployer").out().strip();
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(orchestrator.url() + "/api/v1/services"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Json.encode(Map.of("name", service, "environment", env,
                            "revision", service + "-v1", "upstreams", List.of("http://127.0.0.1:9001")))))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        REGISTERED.add(service + "/" + env);
        return service;
    }

    private static String start(String service, String env) {
        return start(service, env, service + "-v2");
    }

    private static String start(String service, String env, String revision) {
        return ok("deploy", "start", "--service", service, "--env", env, "--revision", revision, "--upstream",
                "http://127.0.0.1:9002", "--json").json().get("id").asText();
    }
}
