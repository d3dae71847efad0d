package dev.avalo.bench.orchestrator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import com.fasterxml.jackson.databind.JsonNode;

import io.nats.client.Connection.Status;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.Options;

import dev.avalo.contracts.Json;

/**
 * The orchestrator benchmark for one size N. Two orchestrator processes on one fresh database, NATS stream and KV bucket:
 * <ol>
 * <li>A (sweeper off): heap; register N services and start N staging deployments (10 % canary) at a fixed concurrency, timing
 * every POST; wait until the KV bucket shows all N routes at 1000 bp; heap again; stop.</li>
 * <li>B (sweeper every 1 s): every deployment's missing-data deadline is already past, so the first sweep after start handles
 * all N at once (a cold JVM: the recovery case). Then R warm replays: the driver resets {@code warned_missing} and sets
 * {@code deadline = now()} on every row in one statement, so the next tick again warns all N. Heap. Then an emergency stop of
 * all N, timed from sending the request until every KV route is stable-only.</li>
 * </ol>
 */
public final class OrchestratorBench {

    private final Map<String, String> opts;
    private final int n;
    private final int concurrency;
    private final int replays;
    private final Path root;
    private final Path work;
    private final Jwt jwt = new Jwt();
    private final String token;
    private final HttpClient http;
    private final Map<String, Object> result = new LinkedHashMap<>();
    private final String dbName;
    private final String prefix;
    private final String stream;
    private final String bucket;
    private final String jdbcBase;

    private OrchestratorBench(Map<String, String> opts) {
        this.opts = opts;
        this.n = Integer.parseInt(opts.getOrDefault("size", "1000"));
        this.concurrency = Integer.parseInt(opts.getOrDefault("concurrency", "8"));
        this.replays = Integer.parseInt(opts.getOrDefault("replays", "3"));
        this.root = Path.of(opts.getOrDefault("root", ".")).toAbsolutePath().normalize();
        this.work = root.resolve("bench/orchestrator/target/run-" + n);
        this.token = jwt.token("bench", 12);
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(concurrency + 2))
                .connectTimeout(Duration.ofSeconds(5)).build();
        this.dbName = "avalo_bench_" + n;
        this.prefix = "bench" + n;
        this.stream = "AVALO_EVENTS_BENCH" + n;
        this.bucket = "avalo-routes-bench" + n;
        this.jdbcBase = "jdbc:postgresql://127.0.0.1:5432/";
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: --size N [--concurrency 8] [--replays 3] [--root DIR] "
                        + "[--out DIR] [--port 18080] [--command TEXT]");
            }
            opts.put(args[i].substring(2), args[++i]);
        }
        OrchestratorBench bench = new OrchestratorBench(opts);
        int rc = bench.run();
        System.exit(rc);
    }

    private int run() throws Exception {
        Instant started = Instant.now();
        result.put("size", n);
        result.put("startedAt", started.toString());
        result.put("command", opts.getOrDefault("command", "bench/orchestrator/run.sh --sizes " + n));
        result.put("concurrency", concurrency);
        result.put("machine", machine());
        Files.createDirectories(work);
        Path publicKey = jwt.writePublicKey(work.resolve("public.pem"));
        Path jar = root.resolve("services/orchestrator/target/quarkus-app/quarkus-run.jar");
        int port = Integer.parseInt(opts.getOrDefault("port", "18080"));
        if (port == 8000 || (port >= 8080 && port <= 8084)) {
            throw new IllegalArgumentException("port " + port + " is reserved");
        }

        int rc = 0;
        freshDatabase();
        try (io.nats.client.Connection nc = Nats.connect(new Options.Builder().server("nats://127.0.0.1:4222")
                .connectionName("avalo-bench").errorListener(new io.nats.client.ErrorListener() {
                    // quiet: the default listener logs every flow-control message of the KV watcher
                }).build())) {
            result.put("natsVersion", nc.getServerInfo().getVersion());
            deleteNats(nc);
            Map<String, String> props = new LinkedHashMap<>();
            props.put("quarkus.datasource.jdbc.url", jdbcBase + dbName);
            props.put("avalo.nats.subject-prefix", prefix);
            props.put("avalo.nats.events-stream", stream);
            props.put("avalo.nats.routes-bucket", bucket);
            props.put("mp.jwt.verify.publickey.location", publicKey.toString());
            props.put("mp.jwt.verify.issuer", Jwt.ISSUER);
            props.put("avalo.orchestrator.schedule.enabled", "false");
            props.put("avalo.orchestrator.health.warn-after", "1s");
            props.put("avalo.orchestrator.health.pause-after", "1h");
            props.put("avalo.orchestrator.rollback.ack-timeout", "10m");
            Set<String> keys = new LinkedHashSet<>();
            for (int i = 0; i < n; i++) {
                keys.add(service(i) + ".staging");
            }
            try {
                // ---- A: sweeper off; registration, starts, heap
                props.put("avalo.orchestrator.sweep.every", "off");
                try (App a = App.start(jar, "1g", port, props, work.resolve("app-A.log"))) {
                    result.put("appCommand", String.join(" ", a.command));
                    phaseA(a, nc, keys);
                }
                // ---- B: sweeper every 1 s; every deadline is past, so the first sweep takes all N
                props.put("avalo.orchestrator.sweep.every", "1s");
                try (App b = App.start(jar, "1g", port, props, work.resolve("app-B.log"))) {
                    phaseB(b, nc, keys);
                }
            } catch (Exception e) {
                e.printStackTrace();
                result.put("error", e.toString());
                rc = 1;
            } finally {
                deleteNats(nc);
            }
        }
        if (!Boolean.parseBoolean(opts.getOrDefault("keep-db", "false"))) {
            adminSql("drop database if exists " + dbName + " with (force)");
        }
        result.put("finishedAt", Instant.now().toString());
        result.put("loadAvgEnd", loadAvg());
        Path out = Path.of(opts.getOrDefault("out", root.resolve("bench/orchestrator/results").toString()));
        Files.createDirectories(out);
        Path file = out.resolve(LocalDate.now() + "-" + n + ".json");
        Json.mapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), result);
        log("wrote " + file);
        return rc;
    }

    // ---- phase A -----------------------------------------------------------------------------------------------

    private void phaseA(App a, io.nats.client.Connection nc, Set<String> keys) throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        result.put("phaseA", r);
        long t = System.nanoTime();
        a.awaitReady(Duration.ofSeconds(120));
        r.put("readyMillis", ms(System.nanoTime() - t));
        // one throw-away request of each kind warms the JWT verification and JSON paths a bit
        r.put("heapBefore", heap(a));
        log("A ready; registering " + n + " services");

        Map<String, Object> reg = load("register", i -> body(Map.of("name", service(i), "environment", "staging",
                "revision", service(i) + "-v1", "upstreams", List.of("http://127.0.0.1:9001"))), "/api/v1/services", a);
        r.put("registerServices", reg);
        log("registered: " + reg.get("latencyMillis"));

        Map<String, Object> starts = load("start", i -> body(Map.of("service", service(i), "environment", "staging",
                "revision", service(i) + "-v2", "upstreams", List.of("http://127.0.0.1:9002"))), "/api/v1/deployments",
                a);
        r.put("startDeployments", starts);
        log("started: " + starts.get("latencyMillis") + " " + starts.get("throughputPerSecond") + "/s");
        long afterPosts = System.nanoTime();

        try (RouteWatch watch = new RouteWatch(nc.keyValue(bucket), keys)) {
            boolean all = watch.awaitAll(1000, 300_000);
            r.put("routesAllCanaryMillisAfterLastPost", ms(System.nanoTime() - afterPosts));
            if (!all) {
                throw new IllegalStateException("only " + watch.count(1000) + " of " + n + " routes at 1000 bp");
            }
        }
        try (Connection db = db()) {
            r.put("liveDeployments", scalar(db, "select count(*) from deployment where phase = 'RUNNING'"));
        }
        r.put("heapAfterLive", heap(a));
        log("A heap " + r.get("heapBefore") + " -> " + r.get("heapAfterLive"));
    }

    // ---- phase B -----------------------------------------------------------------------------------------------

    private void phaseB(App b, io.nats.client.Connection nc, Set<String> keys) throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        result.put("phaseB", r);
        long t = System.nanoTime();
        b.awaitReady(Duration.ofSeconds(120));
        r.put("readyMillis", ms(System.nanoTime() - t));

        // recovery sweep: all N due at the first tick after start
        Map<String, Object> first = awaitSweep(b, 0, 0, 0, Duration.ofMinutes(10));
        first.put("sinceProcessStartMillis", ms(System.nanoTime() - t));
        r.put("recoverySweep", first);
        log("recovery sweep of " + n + ": " + first);
        try (Connection db = db()) {
            Map<String, Object> drained = awaitOutboxDrained(db, Duration.ofMinutes(5));
            first.put("outboxDrainedAfterMillis", drained.get("millis"));

            List<Map<String, Object>> warm = new ArrayList<>();
            for (int i = 0; i < replays; i++) {
                Thread.sleep(2000);
                Metrics m = b.metrics();
                double count = m.value("avalo_sweep_duration_seconds_count");
                double sum = m.value("avalo_sweep_duration_seconds_sum");
                double swept = m.value("avalo_sweep_deployments_total");
                long rows;
                try (Statement st = db.createStatement()) {
                    rows = st.executeUpdate("update deployment set warned_missing = false, deadline = now() "
                            + "where phase = 'RUNNING'");
                }
                Map<String, Object> s = awaitSweep(b, count, sum, swept, Duration.ofMinutes(10));
                s.put("rowsMadeDue", rows);
                s.put("outboxDrainedAfterMillis", awaitOutboxDrained(db, Duration.ofMinutes(5)).get("millis"));
                warm.add(s);
                log("warm sweep " + (i + 1) + ": " + s);
            }
            r.put("warmSweeps", warm);
            r.put("sweepTimer", timer(b.metrics()));
            r.put("heapAfterSweeps", heap(b));

            r.put("emergencyStop", emergencyStop(b, nc, keys, db));
        }
    }

    /** Waits until the sweep counter grew by N and returns the timer's delta. */
    private Map<String, Object> awaitSweep(App app, double count0, double sum0, double swept0, Duration timeout)
            throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            Metrics m = app.metrics();
            double swept = m.value("avalo_sweep_deployments_total");
            if (swept - swept0 >= n) {
                double count = m.value("avalo_sweep_duration_seconds_count");
                double sum = m.value("avalo_sweep_duration_seconds_sum");
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("deploymentsSwept", (long) (swept - swept0));
                s.put("sweeps", (long) (count - count0));
                s.put("durationMillis", round((sum - sum0) * 1000));
                s.put("timerMaxMillis", round(m.value("avalo_sweep_duration_seconds_max") * 1000));
                return s;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("no sweep of " + n + " deployments within " + timeout);
    }

    private static Map<String, Object> timer(Metrics m) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("count", (long) m.value("avalo_sweep_duration_seconds_count"));
        s.put("sumMillis", round(m.value("avalo_sweep_duration_seconds_sum") * 1000));
        s.put("maxMillis", round(m.value("avalo_sweep_duration_seconds_max") * 1000));
        s.put("p50Millis", round(m.value("avalo_sweep_duration_seconds", "quantile=\"0.5\"") * 1000));
        s.put("p99Millis", round(m.value("avalo_sweep_duration_seconds", "quantile=\"0.99\"") * 1000));
        s.put("deploymentsTotal", (long) m.value("avalo_sweep_deployments_total"));
        return s;
    }

    private Map<String, Object> emergencyStop(App b, io.nats.client.Connection nc, Set<String> keys, Connection db)
            throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        try (RouteWatch watch = new RouteWatch(nc.keyValue(bucket), keys)) {
            if (!watch.awaitAll(1000, 120_000)) {
                throw new IllegalStateException("before the stop only " + watch.count(1000) + " of " + n
                        + " routes are at 1000 bp");
            }
            Thread.sleep(2000);
            long live = scalar(db, "select count(*) from deployment where phase = 'RUNNING'");
            r.put("liveBefore", live);
            boolean jfr = Boolean.parseBoolean(opts.getOrDefault("profile-estop", "false"));
            if (jfr) {
                b.jcmd("JFR.start", "name=estop", "settings=profile",
                        "filename=" + work.resolve("estop.jfr"));
            }
            watch.arm();
            long t0 = watch.armedAtNanos();
            HttpResponse<String> resp = http.send(request("/api/v1/emergency-stop",
                    "{\"reason\":\"bench emergency stop\"}", b).timeout(Duration.ofSeconds(120)).build(),
                    HttpResponse.BodyHandlers.ofString());
            long answered = System.nanoTime() - t0;
            boolean all = watch.awaitArmedAllZero(120_000);
            long allAt = watch.lastZeroNanos();
            if (jfr) {
                b.jcmd("JFR.stop", "name=estop");
                r.put("jfr", work.resolve("estop.jfr").toString());
            }
            r.put("httpStatus", resp.statusCode());
            int stopped = -1;
            if (resp.statusCode() == 200) {
                JsonNode reply = Json.mapper().readTree(resp.body());
                stopped = reply.path("stopped").size();
            }
            r.put("stoppedInReply", stopped);
            r.put("httpResponseMillis", ms(answered));
            r.put("allRoutesStableOnly", all);
            r.put("routesStableOnly", watch.zeroCount());
            r.put("firstRouteStableOnlyMillis", ms(watch.firstZeroNanos()));
            r.put("allRoutesStableOnlyMillis", all ? ms(allAt) : null);
            r.put("routeArrivalMillis", summary(watch.arrivals(), 1000.0));
            r.put("goalMillis", 1000);
            r.put("goalMet", all && allAt <= 1_000_000_000L);
            r.put("outboxDrainedAfterMillis", awaitOutboxDrained(db, Duration.ofMinutes(5)).get("millis"));
            log("emergency stop: " + r);
        }
        Thread.sleep(1000);
        r.put("serverTimeline", stopTimeline(b.log));
        return r;
    }

    /**
     * From the orchestrator's log: the first and last per-deployment "emergency-stop" line (written inside the one transaction)
     * and the "emergency stop by" line (written after the commit), in ms relative to the first.
     */
    private static Map<String, Object> stopTimeline(Path log) throws IOException {
        Map<String, Object> r = new LinkedHashMap<>();
        LocalTime first = null;
        LocalTime last = null;
        LocalTime committed = null;
        int lines = 0;
        for (String line : Files.readAllLines(log)) {
            if (line.length() < 23) {
                continue;
            }
            LocalTime at;
            try {
                at = LocalTime.parse(line.substring(11, 23), DateTimeFormatter.ofPattern("HH:mm:ss,SSS"));
            } catch (RuntimeException e) {
                continue;
            }
            if (line.contains(" emergency-stop: ")) {
                lines++;
                if (first == null) {
                    first = at;
                }
                last = at;
            } else if (line.contains("emergency stop by ")) {
                committed = at;
            }
        }
        if (first != null) {
            r.put("perDeploymentLogLines", lines);
            r.put("firstDecisionLogged", first.toString());
            r.put("lastDecisionLoggedMillis", Duration.between(first, last).toMillis());
            if (committed != null) {
                r.put("commitLoggedMillis", Duration.between(first, committed).toMillis());
            }
        }
        return r;
    }

    private Map<String, Object> awaitOutboxDrained(Connection db, Duration timeout) throws Exception {
        long t = System.nanoTime();
        long end = t + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (scalar(db, "select count(*) from outbox where published_at is null") == 0) {
                return Map.of("millis", ms(System.nanoTime() - t));
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("outbox not drained within " + timeout);
    }

    // ---- load ---------------------------------------------------------------------------------------------------

    /** POSTs N bodies at the configured concurrency; returns latency and throughput. */
    private Map<String, Object> load(String what, IntFunction<String> bodies, String path, App app) throws Exception {
        Histogram all = new ConcurrentHistogram(60_000_000L, 3);
        Histogram steady = new ConcurrentHistogram(60_000_000L, 3);
        int warmup = Math.min(500, n / 10);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long start = System.nanoTime();
        for (int w = 0; w < concurrency; w++) {
            pool.execute(() -> {
                int i;
                while ((i = next.getAndIncrement()) < n) {
                    long t = System.nanoTime();
                    try {
                        HttpResponse<String> resp = http.send(request(path, bodies.apply(i), app)
                                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                        long us = (System.nanoTime() - t) / 1000;
                        if (resp.statusCode() != 201) {
                            errors.incrementAndGet();
                            firstError.compareAndSet(null, resp.statusCode() + " " + resp.body());
                        } else {
                            all.recordValue(us);
                            if (i >= warmup) {
                                steady.recordValue(us);
                            }
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, e.toString());
                    }
                }
            });
        }
        pool.shutdown();
        long timeout = Long.parseLong(opts.getOrDefault("phase-timeout-seconds", "1200"));
        if (!pool.awaitTermination(timeout, TimeUnit.SECONDS)) {
            pool.shutdownNow();
            throw new IllegalStateException(what + " did not finish within " + timeout + " s");
        }
        long wall = System.nanoTime() - start;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("requests", n);
        r.put("errors", errors.get());
        if (firstError.get() != null) {
            r.put("firstError", firstError.get());
        }
        r.put("wallMillis", ms(wall));
        r.put("throughputPerSecond", round(n / (wall / 1e9)));
        r.put("latencyMillis", summary(all, 1000.0));
        r.put("latencyMillisAfterWarmup", summary(steady, 1000.0));
        r.put("warmupRequests", warmup);
        if (errors.get() > 0) {
            throw new IllegalStateException(what + ": " + errors.get() + " errors, first: " + firstError.get());
        }
        return r;
    }

    private HttpRequest.Builder request(String path, String body, App app) {
        return HttpRequest.newBuilder(URI.create(app.base() + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static String body(Object o) {
        return new String(Json.encode(o), java.nio.charset.StandardCharsets.UTF_8);
    }

    private String service(int i) {
        return "b" + n + "-" + i;
    }

    // ---- facts and helpers --------------------------------------------------------------------------------------

    private Map<String, Object> heap(App app) throws Exception {
        long[] h = app.heapAfterGc();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("heapUsedMiB", round(h[0] / 1048576.0));
        r.put("heapCommittedMiB", round(h[1] / 1048576.0));
        r.put("rssMiB", round(h[2] / 1048576.0));
        return r;
    }

    private Map<String, Object> machine() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("nproc", Runtime.getRuntime().availableProcessors());
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("model name")) {
                m.put("cpu", line.substring(line.indexOf(':') + 1).trim());
                break;
            }
        }
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal")) {
                m.put("memTotal", line.substring(line.indexOf(':') + 1).trim());
            }
        }
        try (Connection c = DriverManager.getConnection(jdbcBase + "avalo", "avalo", "avalo");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("show server_version")) {
            rs.next();
            m.put("postgresql", rs.getString(1));
        }
        m.put("loadAvgStart", loadAvg());
        try {
            Process git = new ProcessBuilder("git", "-C", root.toString(), "describe", "--always", "--dirty")
                    .redirectErrorStream(true).start();
            String rev = new String(git.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
            if (git.waitFor(10, TimeUnit.SECONDS) && git.exitValue() == 0) {
                m.put("gitCommit", rev);
            }
        } catch (IOException e) {
            // no git: no commit in the result
        }
        return m;
    }

    private static String loadAvg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    private void freshDatabase() throws Exception {
        adminSql("drop database if exists " + dbName + " with (force)");
        adminSql("create database " + dbName + " owner avalo");
    }

    private void adminSql(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcBase + "avalo", "avalo", "avalo");
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private Connection db() throws Exception {
        return DriverManager.getConnection(jdbcBase + dbName, "avalo", "avalo");
    }

    private static long scalar(Connection db, String sql) throws Exception {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void deleteNats(io.nats.client.Connection nc) throws Exception {
        if (nc.getStatus() != Status.CONNECTED) {
            return;
        }
        try {
            nc.keyValueManagement().delete(bucket);
        } catch (JetStreamApiException e) {
            // not there
        }
        try {
            nc.jetStreamManagement().deleteStream(stream);
        } catch (JetStreamApiException e) {
            // not there
        }
    }

    private static Map<String, Object> summary(Histogram h, double unit) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("count", h.getTotalCount());
        if (h.getTotalCount() == 0) {
            return r;
        }
        r.put("p50", round(h.getValueAtPercentile(50) / unit));
        r.put("p90", round(h.getValueAtPercentile(90) / unit));
        r.put("p99", round(h.getValueAtPercentile(99) / unit));
        r.put("p999", round(h.getValueAtPercentile(99.9) / unit));
        r.put("max", round(h.getMaxValue() / unit));
        r.put("mean", round(h.getMean() / unit));
        return r;
    }

    private static double ms(long nanos) {
        return round(nanos / 1e6);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static void log(String s) {
        System.out.println(LocalTime.now().withNano(0) + " bench: " + s);
    }
}
