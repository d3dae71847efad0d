package dev.avalo.bench.notifier;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpServer;

import io.nats.client.JetStream;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.impl.Headers;

import dev.avalo.contracts.CloudEvents;
import dev.avalo.contracts.Subjects;
import dev.avalo.contracts.deployment.Cause;
import dev.avalo.contracts.deployment.DeploymentEventData;
import dev.avalo.contracts.deployment.DeploymentView;
import dev.avalo.contracts.deployment.StageView;

/**
 * Notifier throughput and delay. A fake Slack and PagerDuty (one Vert.x HTTP server, every answer after a fixed delay, 50 ms by
 * default) receive what the notifier — started from its packaged jar with its own database, stream and subject prefix —
 * delivers for events published to JetStream. Three in four events are {@code stage.passed} (info: Slack #deployments), one in
 * four {@code failed} (critical: Slack #alerts and PagerDuty), so an event makes 1.25 notifications on average. Phases: warm-up
 * (not measured), a sustained open-loop rate (delay percentiles from publish to the provider's answer, delivered notifications
 * per second), and a burst published as fast as possible (the notifier's ceiling). Every notification must arrive exactly once:
 * missing and doubled ones are counted and fail the run.
 */
public final class NotifierBench {

    static final String SLACK_DEPLOYMENTS = "/slack/deployments";
    static final String SLACK_ALERTS = "/slack/alerts";
    static final String PAGERDUTY = "/pagerduty/v2/enqueue";
    static final byte[] MARK = "bench-deployment-".getBytes(StandardCharsets.US_ASCII);

    final Map<String, String> args;
    final int rate;
    final int seconds;
    final int warmupSeconds;
    final int burst;
    final int latencyMillis;
    final int concurrency;
    final int total;
    final long[] published;
    final AtomicLongArray answered;
    final AtomicIntegerArray received;
    final AtomicInteger notifications = new AtomicInteger();
    final AtomicInteger unknown = new AtomicInteger();
    io.vertx.core.Vertx vertx;

    NotifierBench(Map<String, String> args) {
        this.args = args;
        this.rate = Integer.parseInt(args.getOrDefault("rate", "600"));
        this.seconds = Integer.parseInt(args.getOrDefault("seconds", "60"));
        this.warmupSeconds = Integer.parseInt(args.getOrDefault("warmup", "15"));
        this.burst = Integer.parseInt(args.getOrDefault("burst", "15000"));
        this.latencyMillis = Integer.parseInt(args.getOrDefault("latency-ms", "50"));
        this.concurrency = Integer.parseInt(args.getOrDefault("concurrency", "64"));
        this.total = rate * (warmupSeconds + seconds) + burst;
        this.published = new long[total];
        // per event: [0] the answer to its first notification, [1] its second (critical events have two)
        this.answered = new AtomicLongArray(total * 2);
        this.received = new AtomicIntegerArray(total);
    }

    static int expected(int event) {
        return event % 4 == 0 ? 2 : 1;
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new LinkedHashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            args.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        int rc = new NotifierBench(args).run();
        System.exit(rc);
    }

    int run() throws Exception {
        String run = "nb" + Long.toString(System.currentTimeMillis(), 36);
        String stream = "AVALO_EVENTS_" + run.toUpperCase(Locale.ROOT);
        String database = "avalo_bench_" + run;
        String pgUrl = args.getOrDefault("pg-url", "jdbc:postgresql://127.0.0.1:5432/avalo");
        String pgUser = args.getOrDefault("pg-user", "avalo");
        String pgPassword = args.getOrDefault("pg-password", "avalo");
        String natsUrl = args.getOrDefault("nats-url", "nats://127.0.0.1:4222");
        Path root = Path.of(args.getOrDefault("root", "."));
        admin(pgUrl, pgUser, pgPassword, "CREATE DATABASE " + database);
        io.vertx.core.http.HttpServer fake = fakeProviders();
        Process notifier = null;
        io.nats.client.Connection nats = Nats.connect(new Options.Builder().server(natsUrl).maxReconnects(0).build());
        try {
            int port = freePort();
            String base = "http://127.0.0.1:" + fake.actualPort();
            String jdbc = pgUrl.replaceAll("/[^/?]+(\\?.*)?$", "/" + database + "$1");
            File log = root.resolve("bench/notifier/results/notifier-" + run + ".log").toFile();
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx" + args.getOrDefault("xmx", "512m"),
                    "-Dquarkus.http.port=" + port,
                    "-Dquarkus.http.host=127.0.0.1",
                    "-Dquarkus.datasource.jdbc.url=" + jdbc,
                    "-Dquarkus.datasource.username=" + pgUser,
                    "-Dquarkus.datasource.password=" + pgPassword,
                    "-Davalo.nats.url=" + natsUrl,
                    "-Davalo.nats.subject-prefix=" + run,
                    "-Davalo.nats.events-stream=" + stream,
                    "-Davalo.notifier.slack.channels.deployments.webhook-url=" + base + SLACK_DEPLOYMENTS,
                    "-Davalo.notifier.slack.channels.alerts.webhook-url=" + base + SLACK_ALERTS,
                    "-Davalo.notifier.pagerduty.routing-key=benchRoutingKey00000000000000000",
                    "-Davalo.notifier.pagerduty.events-url=" + base + PAGERDUTY,
                    "-Davalo.notifier.channels.slack-deployments.rate-limit=none",
                    "-Davalo.notifier.channels.slack-alerts.rate-limit=none",
                    "-Davalo.notifier.log.enabled=false",
                    "-Davalo.notifier.delivery.concurrency=" + concurrency,
                    "-Dmp.jwt.verify.publickey.location=" + root.resolve(".avalo/keys/public.pem"),
                    "-jar", root.resolve("services/notifier/target/quarkus-app/quarkus-run.jar").toString()));
            String jvm = args.getOrDefault("jvm", System.getenv().getOrDefault("NOTIFIER_JVM_OPTS", "")).trim();
            if (!jvm.isEmpty()) {
                command.addAll(2, List.of(jvm.split("\\s+")));
            }
            notifier = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
            awaitReady(notifier, "http://127.0.0.1:" + port + "/q/health/ready", log);
            Subjects subjects = Subjects.withPrefix(run);
            JetStream js = nats.jetStream();
            byte[][] bodies = new byte[total][];
            for (int i = 0; i < total; i++) {
                bodies[i] = event(i);
            }
            String subject = subjects.deploymentEvent("bench-svc", "production");

            log("warm-up: %d events/s for %d s", rate, warmupSeconds);
            int warmEnd = rate * warmupSeconds;
            publishPaced(js, subject, stream, bodies, 0, warmEnd, rate);
            awaitAll(0, warmEnd, Duration.ofSeconds(60));

            log("sustained: %d events/s for %d s", rate, seconds);
            int sustainedEnd = warmEnd + rate * seconds;
            long t0 = System.nanoTime();
            publishPaced(js, subject, stream, bodies, warmEnd, sustainedEnd, rate);
            long publishEnd = System.nanoTime();
            boolean sustainedDone = awaitAll(warmEnd, sustainedEnd, Duration.ofSeconds(120));
            Phase sustained = phase("sustained", warmEnd, sustainedEnd, t0, publishEnd);

            log("burst: %d events as fast as they can be published", burst);
            long b0 = System.nanoTime();
            publishPaced(js, subject, stream, bodies, sustainedEnd, total, 0);
            long burstPublished = System.nanoTime();
            boolean burstDone = awaitAll(sustainedEnd, total, Duration.ofSeconds(300));
            Phase burstPhase = phase("burst", sustainedEnd, total, b0, burstPublished);

            int missing = 0;
            int doubled = 0;
            for (int i = 0; i < total; i++) {
                int got = received.get(i);
                missing += Math.max(0, expected(i) - got);
                doubled += Math.max(0, got - expected(i));
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("date", Instant.now().toString());
            result.put("command", args.getOrDefault("command", "bench/notifier/run.sh"));
            result.put("machine", machine());
            result.put("providerLatencyMillis", latencyMillis);
            result.put("notifierConcurrency", concurrency);
            result.put("eventMix", "3/4 stage.passed -> slack:deployments, 1/4 failed -> slack:alerts + pagerduty");
            result.put("sustained", sustained.toMap());
            result.put("burst", burstPhase.toMap());
            result.put("missing", missing);
            result.put("doubled", doubled);
            result.put("unknownRequests", unknown.get());
            result.put("complete", sustainedDone && burstDone);
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            String stamp = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss'Z'").withZone(ZoneOffset.UTC)
                    .format(Instant.now());
            Path out = root.resolve("bench/notifier/results/" + stamp + ".json");
            Files.writeString(out, json.writeValueAsString(result) + "\n");
            log("%s", json.writeValueAsString(result));
            log("written %s", out);
            boolean ok = missing == 0 && doubled == 0 && sustainedDone && burstDone;
            return ok ? 0 : 1;
        } finally {
            if (notifier != null) {
                notifier.destroy();
                if (!notifier.waitFor(30, TimeUnit.SECONDS)) {
                    notifier.destroyForcibly();
                }
            }
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            try {
                nats.jetStreamManagement().deleteStream(stream);
            } catch (Exception ignored) {
                // not created
            }
            nats.close();
            admin(pgUrl, pgUser, pgPassword, "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    record Phase(String name, int events, int notifications, double publishSeconds, double deliverSeconds,
            Histogram delay) {

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("events", events);
            m.put("notifications", notifications);
            m.put("publishSeconds", round(publishSeconds));
            m.put("deliverSeconds", round(deliverSeconds));
            m.put("eventsPerSecond", round(events / deliverSeconds));
            m.put("notificationsPerSecond", round(notifications / deliverSeconds));
            m.put("delayMillis", Map.of("p50", ms(delay.getValueAtPercentile(50)), "p90",
                    ms(delay.getValueAtPercentile(90)), "p99", ms(delay.getValueAtPercentile(99)), "max",
                    ms(delay.getMaxValue()), "count", delay.getTotalCount()));
            return m;
        }

        static double ms(long micros) {
            return round(micros / 1000.0);
        }

        static double round(double v) {
            return Math.round(v * 100) / 100.0;
        }
    }

    /** Delay = publish → the provider's answer (arrival + its fixed latency); throughput over first publish → last answer. */
    Phase phase(String name, int from, int to, long start, long publishEnd) {
        Histogram h = new Histogram(3_600_000_000L, 3);
        long last = start;
        int count = 0;
        for (int i = from; i < to; i++) {
            for (int k = 0; k < expected(i); k++) {
                long a = answered.get(i * 2 + k);
                if (a != 0) {
                    h.recordValue(Math.max(0, (a - published[i]) / 1000));
                    last = Math.max(last, a);
                    count++;
                }
            }
        }
        return new Phase(name, to - from, count, (publishEnd - start) / 1e9, (last - start) / 1e9, h);
    }

    void publishPaced(JetStream js, String subject, String stream, byte[][] bodies, int from, int to, int perSecond)
            throws Exception {
        Headers headers = new Headers().put("Content-Type", CloudEvents.CONTENT_TYPE);
        long start = System.nanoTime();
        long interval = perSecond <= 0 ? 0 : 1_000_000_000L / perSecond;
        List<java.util.concurrent.CompletableFuture<?>> acks = new ArrayList<>();
        for (int i = from; i < to; i++) {
            if (interval > 0) {
                long due = start + (i - from) * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            published[i] = System.nanoTime();
            acks.add(js.publishAsync(subject, headers, bodies[i], PublishOptions.builder().stream(stream)
                    .messageId("bench-" + i).build()));
            if (acks.size() >= 1000) {
                for (var a : acks) {
                    a.get(30, TimeUnit.SECONDS);
                }
                acks.clear();
            }
        }
        for (var a : acks) {
            a.get(30, TimeUnit.SECONDS);
        }
    }

    boolean awaitAll(int from, int to, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            boolean all = true;
            for (int i = from; i < to && all; i++) {
                all = received.get(i) >= expected(i);
            }
            if (all) {
                Thread.sleep(latencyMillis + 50L); // the last answers
                return true;
            }
            Thread.sleep(50);
        }
        log("not everything arrived within %s", max);
        return false;
    }

    byte[] event(int i) {
        boolean critical = i % 4 == 0;
        Instant at = Instant.parse("2026-11-28T12:00:00Z");
        String id = "bench-deployment-" + i;
        DeploymentView view = new DeploymentView(id, "bench-svc", "production", "bench-svc-v1", "bench-svc-v2",
                critical ? "FAILED" : "RUNNING", new StageView(1, "canary-10", 1000, at, 1800), null, "production", true,
                null, "bench", at, at);
        String kind = critical ? "failed" : "stage.passed";
        return CloudEvents.encode("bench-event-" + i, URI.create("/avalo/bench"), "avalo.deployment." + kind, id, at,
                new DeploymentEventData(view, new Cause("system", "bench", "benchmark event " + i)));
    }

    /** One Vert.x event loop: reads each request, records it, answers after the fixed latency with a timer. */
    io.vertx.core.http.HttpServer fakeProviders() throws Exception {
        vertx = io.vertx.core.Vertx.vertx(new io.vertx.core.VertxOptions().setEventLoopPoolSize(1));
        byte[] pdReply = "{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\"k\"}"
                .getBytes(StandardCharsets.UTF_8);
        io.vertx.core.buffer.Buffer pd = io.vertx.core.buffer.Buffer.buffer(pdReply);
        io.vertx.core.buffer.Buffer ok = io.vertx.core.buffer.Buffer.buffer("ok");
        return vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setHost("127.0.0.1").setPort(0)
                .setAcceptBacklog(1024)).requestHandler(request -> request.body().onSuccess(body -> {
                    long arrival = System.nanoTime();
                    int event = eventOf(body.getBytes());
                    if (event < 0 || event >= total) {
                        unknown.incrementAndGet();
                    } else {
                        int n = received.getAndIncrement(event);
                        if (n < 2) {
                            answered.compareAndSet(event * 2 + n, 0, arrival + latencyMillis * 1_000_000L);
                        }
                        notifications.incrementAndGet();
                    }
                    boolean isPd = request.path().startsWith("/pagerduty");
                    vertx.setTimer(latencyMillis, t -> request.response().setStatusCode(isPd ? 202 : 200)
                            .putHeader("Content-Type", isPd ? "application/json" : "text/plain").end(isPd ? pd : ok));
                })).listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static int eventOf(byte[] body) {
        outer : for (int i = 0; i + MARK.length < body.length; i++) {
            for (int k = 0; k < MARK.length; k++) {
                if (body[i + k] != MARK[k]) {
                    continue outer;
                }
            }
            int v = 0;
            int j = i + MARK.length;
            boolean digits = false;
            while (j < body.length && body[j] >= '0' && body[j] <= '9') {
                v = v * 10 + (body[j] - '0');
                j++;
                digits = true;
            }
            return digits ? v : -1;
        }
        return -1;
    }

    static void awaitReady(Process p, String url, File log) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("the notifier exited; see " + log);
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(300);
        }
        throw new IllegalStateException("the notifier did not become ready; see " + log);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void admin(String url, String user, String password, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static String machine() {
        String cpu = "unknown";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException ignored) {
            // not Linux
        }
        return Runtime.getRuntime().availableProcessors() + " cores, " + cpu + ", Java "
                + System.getProperty("java.version");
    }

    static void log(String format, Object... values) {
        System.err.println("bench: " + String.format(format, values));
    }
}
