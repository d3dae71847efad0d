package dev.avalo.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.avalo.testing.OwnNatsServer;
import dev.avalo.testing.PostgresTestResource;
import dev.avalo.testing.TestTokens;

/**
 * The five services started from their packaged jars as processes on free loopback ports, against the suite's own nats-server,
 * a fresh PostgreSQL database, WireMock as Slack and PagerDuty. Started once per run and shared by the scenarios (each uses its
 * own service names); a scenario that kills a service restarts it.
 */
final class AvaloSystem implements AutoCloseable {

    static final String ENV = "production";
    static final String ROUTER_ID = "e2e-router";
    static final String PD_ROUTING_KEY = "e2e-routing-key-0123456789abcdef";
    static final Duration STARTUP = Duration.ofSeconds(150);

    final Path root;
    final Path logs;
    final Path work;
    final OwnNatsServer nats;
    final PostgresTestResource postgres = new PostgresTestResource();
    final WireMockServer wiremock;
    final Map<String, Proc> services = new LinkedHashMap<>();
    final int orchestratorPort = OwnNatsServer.freePort();
    final int proxyPort = OwnNatsServer.freePort();
    final int routerAdminPort = OwnNatsServer.freePort();
    final int healthPort = OwnNatsServer.freePort();
    final int schedulerPort = OwnNatsServer.freePort();
    final int notifierPort = OwnNatsServer.freePort();
    final Api orchestrator;
    final Api router;
    final Api health;
    final Api scheduler;
    final Api notifier;
    final Instant startedAt = Instant.now();
    final Duration startupTook;
    private final List<String> common = new ArrayList<>();
    private String jdbcUrl;

    AvaloSystem() {
        root = findRoot();
        logs = root.resolve("e2e/target/e2e-logs");
        work = root.resolve("e2e/target/e2e-work");
        long t0 = System.nanoTime();
        try {
            if (Files.isDirectory(logs)) {
                try (java.util.stream.Stream<Path> old = Files.walk(logs)) {
                    old.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
            Files.createDirectories(logs);
            Files.createDirectories(work);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String svc : List.of("orchestrator", "traffic-router", "health-scorer", "scheduler", "notifier")) {
            Path jar = jar(svc);
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " is missing: build the services first (./mvnw -B install -DskipTests)");
            }
        }
        // should the JVM end without the extension closing the system (a killed fork), stop the processes anyway
        Runtime.getRuntime().addShutdownHook(new Thread(() -> services.values().forEach(Proc::stop), "e2e-stop"));
        nats = OwnNatsServer.start("e2e");
        wiremock = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().containerThreads(20));
        wiremock.start();
        wiremock.stubFor(post(urlPathEqualTo("/slack/deployments")).willReturn(aResponse().withStatus(200).withBody("ok")));
        wiremock.stubFor(post(urlPathEqualTo("/slack/alerts")).willReturn(aResponse().withStatus(200).withBody("ok")));
        wiremock.stubFor(post(urlPathEqualTo("/pagerduty/v2/enqueue")).willReturn(aResponse().withStatus(202)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\"x\"}")));
        jdbcUrl = postgres.start().get("quarkus.datasource.jdbc.url");

        common.add("-Dmp.jwt.verify.publickey.location=" + TestTokens.writePublicKey().toAbsolutePath());
        common.add("-Dmp.jwt.verify.issuer=" + TestTokens.ISSUER);
        common.add("-Davalo.nats.url=" + nats.url());
        common.add("-Dquarkus.http.host=127.0.0.1");

        orchestrator = new Api("http://127.0.0.1:" + orchestratorPort);
        router = new Api("http://127.0.0.1:" + routerAdminPort);
        health = new Api("http://127.0.0.1:" + healthPort);
        scheduler = new Api("http://127.0.0.1:" + schedulerPort);
        notifier = new Api("http://127.0.0.1:" + notifierPort);

        Path systemLogs = logs.resolve("system");
        define("scheduler", schedulerPort, true, List.of(
                // the calendar of the strategy document would block production today (weekends, Black Friday, late nights);
                // the suite's production schedule blocks only on freezes and incidents, which it controls
                "-Davalo.scheduler.environments.production.avoid-days=",
                "-Davalo.scheduler.environments.production.late-night=",
                "-Davalo.scheduler.environments.production.avoid-holidays=false",
                "-Davalo.scheduler.environments.production.calendar-freezes=false",
                "-Davalo.scheduler.watch.every=2s"));
        define("notifier", notifierPort, true, List.of(
                "-Davalo.notifier.slack.channels.deployments.webhook-url=" + wiremock.baseUrl() + "/slack/deployments",
                "-Davalo.notifier.slack.channels.alerts.webhook-url=" + wiremock.baseUrl() + "/slack/alerts",
                "-Davalo.notifier.pagerduty.routing-key=" + PD_ROUTING_KEY,
                "-Davalo.notifier.pagerduty.events-url=" + wiremock.baseUrl() + "/pagerduty/v2/enqueue",
                "-Davalo.notifier.links.deployment=" + orchestrator.base() + "/api/v1/deployments/{id}",
                "-Davalo.notifier.links.freezes=" + scheduler.base() + "/api/v1/freezes",
                // the suite's rate of notifications is far above a human channel's; the limits have their own tests
                "-Davalo.notifier.channels.slack-deployments.rate-limit=none",
                "-Davalo.notifier.channels.slack-alerts.rate-limit=none",
                "-Davalo.notifier.delivery.poll=200ms",
                // a claimed row of a killed notifier comes back after its lease: short, so the crash scenario fits
                "-Davalo.notifier.delivery.lease=10s"));
        define("orchestrator", orchestratorPort, true, List.of(
                "-Davalo.orchestrator.rollback.ack-timeout=15s",
                "-Davalo.orchestrator.health.warn-after=90s",
                "-Davalo.orchestrator.health.pause-after=5m",
                "-Davalo.orchestrator.sweep.every=250ms",
                "-Davalo.orchestrator.outbox.every=250ms",
                "-Davalo.orchestrator.instance-id=e2e-orchestrator"));
        define("health-scorer", healthPort, false, List.of(
                "-Davalo.health.report-interval=2s"));
        define("traffic-router", routerAdminPort, false, List.of(
                "-Davalo.router.proxy.port=" + proxyPort,
                "-Davalo.router.proxy.host=127.0.0.1",
                "-Davalo.router.environment=" + ENV,
                "-Davalo.router.id=" + ROUTER_ID,
                "-Davalo.router.state-file=" + work.resolve("router-routes.json")));
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        for (Proc p : services.values()) {
            p.start(systemLogs.resolve(p.name() + ".log"));
        }
        for (Proc p : services.values()) {
            ready.add(CompletableFuture.runAsync(() -> p.awaitReady(STARTUP)));
        }
        try {
            CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new)).join();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        startupTook = Duration.ofNanos(System.nanoTime() - t0);
        System.out.printf("e2e: system up in %d ms: orchestrator :%d, router proxy :%d admin :%d, health-scorer :%d,"
                + " scheduler :%d, notifier :%d, nats %s, wiremock %s, database %s%n", startupTook.toMillis(),
                orchestratorPort, proxyPort, routerAdminPort, healthPort, schedulerPort, notifierPort, nats.url(),
                wiremock.baseUrl(), postgres.database());
    }

    private void define(String name, int port, boolean db, List<String> extra) {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Dquarkus.http.port=" + port);
        command.addAll(common);
        if (db) {
            command.add("-Dquarkus.datasource.jdbc.url=" + jdbcUrl);
            command.add("-Dquarkus.datasource.username=" + PostgresTestResource.username());
            command.add("-Dquarkus.datasource.password=" + PostgresTestResource.password());
        }
        command.addAll(extra);
        command.add("-jar");
        command.add(jar(name).toString());
        services.put(name, new Proc(name, command, "http://127.0.0.1:" + port + "/q/health/ready", null));
    }

    Proc service(String name) {
        return services.get(name);
    }

    String proxyUrl() {
        return "http://127.0.0.1:" + proxyPort;
    }

    /** Restarts a (stopped or killed) service with its log under the scenario's directory; waits until it is ready. */
    void restart(String name, String scenario) {
        Proc p = services.get(name);
        p.start(logs.resolve(scenario).resolve(name + ".log"));
        p.awaitReady(STARTUP);
    }

    /**
     * Starts the demo sample app with the JDK source launcher on a free port; returns the process (already answering) and its
     * base URL through {@link SampleApp#url()}.
     */
    SampleApp sampleApp(String scenario, String name, String... args) {
        int port = OwnNatsServer.freePort();
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                root.resolve("demo/sample-app/SampleApp.java").toString(), "--port", Integer.toString(port),
                "--version", name));
        command.addAll(List.of(args));
        Proc p = new Proc(name, command, "http://127.0.0.1:" + port + "/healthz", null);
        p.start(logs.resolve(scenario).resolve(name + ".log"));
        try {
            p.awaitReady(Duration.ofSeconds(60));
        } catch (RuntimeException e) {
            p.stop();
            throw e;
        }
        return new SampleApp(p, "http://127.0.0.1:" + port);
    }

    /** A running sample app. */
    record SampleApp(Proc proc, String url) implements AutoCloseable {
        @Override
        public void close() {
            proc.stop();
        }
    }

    /** The tails of every service's current log. */
    String tails(int lines) {
        StringBuilder b = new StringBuilder();
        for (Proc p : services.values()) {
            b.append(p.tail(lines)).append('\n');
        }
        return b.toString();
    }

    @Override
    public void close() {
        List<Proc> reversed = new ArrayList<>(services.values());
        java.util.Collections.reverse(reversed);
        reversed.parallelStream().forEach(Proc::stop);
        try {
            wiremock.stop();
        } catch (RuntimeException e) {
            // nothing to do
        }
        nats.close();
        postgres.stop();
    }

    static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    Path jar(String service) {
        return root.resolve("services").resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
    }

    private static Path findRoot() {
        String configured = System.getProperty("avalo.root");
        if (configured != null && Files.isDirectory(Path.of(configured, "services"))) {
            return Path.of(configured).toAbsolutePath();
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("services"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the repository root (a directory with services/)");
        }
        return dir;
    }
}
