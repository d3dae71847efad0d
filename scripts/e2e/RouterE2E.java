import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import org.HdrHistogram.Histogram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.Options;

/**
 * The driver of {@code scripts/check-router-e2e.sh}: issue 3's "done means" against running processes (orchestrator, router,
 * two sample apps, NATS), all on loopback. Compiled by the script together with {@code demo/loadgen/LoadGen.java} and run with
 * the router's own jars (jnats, Jackson, HdrHistogram) on the class path.
 *
 * <pre>
 * check    run the check (options below), print the measured numbers and PASS/FAIL lines; exit 0 only when all pass
 * cleanup  --nats URL --bucket B --stream S: delete the check's KV bucket and events stream (missing ones are fine)
 * </pre>
 *
 * check options: --orchestrator URL --proxy URL --router-admin URL --nats URL --prefix P --service S --env E
 * --stable-upstream URL --canary-upstream URL --stable-app blue --canary-app green --requests 20000 --concurrency 16
 * --min-share --max-share (default 1 % ± max(0.4, 5 binomial σ): 0.6–1.4 at 20000) --deadline 120. The token comes from
 * the environment (AVALO_DEPLOYER_TOKEN), not the command line. Every wait is bounded; the whole check stops by itself
 * within {@code --deadline} seconds.
 */
public class RouterE2E {

    static {
        // before any java.net.http class loads (LoadGen sets it too, but this class's own client loads them first)
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration ACK_WAIT = Duration.ofSeconds(15);
    private static final Duration HOLD = Duration.ofSeconds(2);
    /** The strategy's strictest rollback target (emergency stop: under 10 s; manual: 2 min, automatic: 30 s). */
    private static final Duration MAX_ROLLBACK = Duration.ofSeconds(10);
    /** The router closes a metrics window every second: wait this long after the last request before counting. */
    private static final Duration METRICS_FLUSH = Duration.ofMillis(2500);

    private final Map<String, String> a;
    private final String service;
    private final String env;
    private final String stable;
    private final String canary;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final String token;
    private final long deadline;

    private final List<Ack> acks = new CopyOnWriteArrayList<>();
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> sentByRevision = new ConcurrentHashMap<>();

    private final List<String[]> results = new ArrayList<>(); // {PASS|FAIL, name, detail}
    private final Map<String, String> numbers = new LinkedHashMap<>();

    record Ack(long generation, String routerId, long atNanos) {
    }

    record Sample(String revision, String role, long requests, long errors, long s2xx, long s5xx, long windowMillis,
            long histogramCount, long users, long atNanos) {
    }

    RouterE2E(Map<String, String> a) {
        this.a = a;
        this.service = need("service");
        this.env = a.getOrDefault("env", "production");
        this.stable = service + "-v1";
        this.canary = service + "-v2";
        this.token = System.getenv("AVALO_DEPLOYER_TOKEN");
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("AVALO_DEPLOYER_TOKEN is not set");
        }
        this.deadline = System.nanoTime() + Long.parseLong(a.getOrDefault("deadline", "120")) * 1_000_000_000L;
    }

    public static void main(String[] argv) throws Exception {
        String mode = argv.length > 0 ? argv[0] : "";
        Map<String, String> a = args(argv);
        switch (mode) {
            case "check" -> {
                boolean ok;
                try {
                    ok = new RouterE2E(a).check();
                } catch (IOException | RuntimeException e) {
                    System.out.println("traffic-router end-to-end check (issue 3 \"done means\"): FAIL — " + e);
                    ok = false;
                }
                System.exit(ok ? 0 : 1);
            }
            case "cleanup" -> cleanup(a);
            default -> {
                System.err.println("usage: RouterE2E check|cleanup --name value ... (see the class comment)");
                System.exit(2);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------- the check

    boolean check() throws Exception {
        Options options = new Options.Builder().server(need("nats")).connectionTimeout(Duration.ofSeconds(5))
                .maxReconnects(-1).build();
        try (Connection nc = Nats.connect(options)) {
            String prefix = need("prefix");
            String key = service + "." + env;
            Dispatcher d = nc.createDispatcher(m -> {
                long now = System.nanoTime();
                try {
                    JsonNode n = JSON.readTree(m.getData());
                    if (m.getSubject().startsWith(prefix + ".evt.router.applied.")) {
                        acks.add(new Ack(n.path("generation").asLong(), n.path("routerId").asText(), now));
                    } else {
                        samples.add(sample(n, now));
                    }
                } catch (IOException | RuntimeException e) {
                    log("unreadable message on %s: %s", m.getSubject(), e.getMessage());
                }
            });
            d.subscribe(prefix + ".evt.router.applied." + key);
            d.subscribe(prefix + ".metrics." + key);
            nc.flush(Duration.ofSeconds(5));
            try {
                run();
            } catch (CheckFailed e) {
                fail(e.step, e.getMessage());
            } catch (IOException | RuntimeException e) {
                fail("the check itself", e.toString());
                e.printStackTrace();
            }
        }
        return report();
    }

    private void run() throws Exception {
        LoadGen gen = new LoadGen(URI.create(need("proxy")), service, Integer.parseInt(a.getOrDefault("concurrency", "16")),
                Duration.ofSeconds(5));
        LoadGen prober = new LoadGen(URI.create(need("proxy")), service, 4, Duration.ofSeconds(5));
        try {
            run(gen, prober);
        } finally {
            gen.close();
            prober.close();
        }
    }

    private void run(LoadGen gen, LoadGen prober) throws Exception {
        String run = Long.toString(System.currentTimeMillis() % 100_000_000L, 36);

        // 1. register the service: the route becomes 100 % stable
        step("register %s in %s, stable %s on %s", service, env, stable, need("stable-upstream"));
        JsonNode registered = post("/api/v1/services", 201, String.format(Locale.ROOT,
                "{\"name\":\"%s\",\"environment\":\"%s\",\"revision\":\"%s\",\"upstreams\":[\"%s\"]}", service, env, stable,
                need("stable-upstream")));
        Ack registeredAck = awaitAck(0, "register");
        long g1 = registeredAck.generation();
        JsonNode route = awaitRoute(g1);
        log("router %s applied generation %d: canary %s bp (%s)", registeredAck.routerId(), g1,
                route.path("canaryWeightBasisPoints").asText(), registered.path("name").asText());
        LoadGen.Summary warm = traffic(gen, LoadGen.users("warm-" + run + "-", 500, 500));
        require("registered route serves stable only", warm.byRevision().getOrDefault(stable, 0) == 500,
                "500 warm-up requests: " + warm.byRevision());

        // 2. start a production deployment: stage 1 at 1 %
        step("start a deployment of %s on %s", canary, need("canary-upstream"));
        long t0 = System.nanoTime();
        JsonNode deployment = post("/api/v1/deployments", 201, String.format(Locale.ROOT,
                "{\"service\":\"%s\",\"environment\":\"%s\",\"revision\":\"%s\",\"upstreams\":[\"%s\"],"
                        + "\"checklist\":{\"tests-passing\":\"e2e\",\"security-scan\":\"e2e\",\"migrations-tested\":\"n/a\","
                        + "\"rollback-plan\":\"e2e\",\"stakeholders-notified\":\"e2e\",\"on-call-assigned\":\"e2e\","
                        + "\"blue-tagged-stable\":\"%s\",\"dashboards-prepared\":\"e2e\"}}",
                service, env, canary, need("canary-upstream"), stable));
        String id = deployment.path("id").asText();
        Ack deployAck = awaitAck(g1, "deployment");
        long g2 = deployAck.generation();
        numbers.put("deploy call → router ack", ms(deployAck.atNanos() - t0));
        route = awaitRoute(g2);
        int weight = route.path("canaryWeightBasisPoints").asInt(-1);
        log("deployment %s %s, stage %s; router applied generation %d with canary %d bp", id,
                deployment.path("state").asText(), deployment.path("stage").path("name").asText(), g2, weight);
        require("route at 1 % acked by the router", weight == 100 && canary.equals(route.path("canary").path("revision")
                .asText()), "generation " + g2 + ", canary " + route.path("canary").path("revision").asText() + " at "
                        + weight + " bp, acked " + ms(deployAck.atNanos() - t0) + " after the deploy call");

        // 3. real traffic through the router, one distinct user per request
        int n = Integer.parseInt(a.getOrDefault("requests", "20000"));
        step("send %d requests with distinct X-User-Id through %s (Host: %s)", n, need("proxy"), service);
        LoadGen.Summary split = traffic(gen, LoadGen.users("u-" + run + "-", n, n));
        int canaryCount = split.byRevision().getOrDefault(canary, 0);
        int stableCount = split.byRevision().getOrDefault(stable, 0);
        double share = 100.0 * canaryCount / Math.max(1, split.answered());
        // binomial: 1 % of n users, standard deviation sqrt(p(1-p)/n); accept 5 of them, and never less than ±0.4 points
        double sigma = 100 * Math.sqrt(0.01 * 0.99 / n);
        double tolerance = Math.max(0.4, 5 * sigma);
        double min = Double.parseDouble(a.getOrDefault("min-share", String.valueOf(1 - tolerance)));
        double max = Double.parseDouble(a.getOrDefault("max-share", String.valueOf(1 + tolerance)));
        numbers.put("requests through the router", String.format(Locale.ROOT, "%d in %.1f s (%.0f req/s, p50 %.1f ms, "
                + "p99 %.1f ms)", split.answered(), split.elapsedNanos() / 1e9, split.requestsPerSecond(),
                split.latencyMillis(50), split.latencyMillis(99)));
        numbers.put("canary share", String.format(Locale.ROOT, "%.2f %% (%d canary, %d stable of %d; expected 1 %% "
                + "± %.2f (1 σ), accepted %.2f–%.2f %%)", share, canaryCount, stableCount, n, sigma, min, max));
        require("every request answered 2xx by stable or canary", split.failed() == 0
                && split.byStatus().getOrDefault("2xx", 0) == n && canaryCount + stableCount == n,
                "revisions " + split.byRevision() + ", statuses " + split.byStatus() + ", no response "
                        + split.failed() + (split.firstFailure() == null ? "" : " (" + split.firstFailure() + ")"));
        require("canary share ~1 %", share >= min && share <= max, String.format(Locale.ROOT, "%.2f %% in [%.2f, %.2f]",
                share, min, max));
        String stableApp = a.getOrDefault("stable-app", "blue");
        String canaryApp = a.getOrDefault("canary-app", "green");
        long misrouted = java.util.Arrays.stream(split.answers()).filter(x -> x != null)
                .filter(x -> !(x.revision().equals(stable) && x.appVersion().equals(stableApp)
                        || x.revision().equals(canary) && x.appVersion().equals(canaryApp)))
                .count();
        require("each revision answered by its own upstream", misrouted == 0,
                misrouted + " answers whose X-App-Version does not match X-Avalo-Revision");

        List<String> canaryUsers = new ArrayList<>();
        List<String> stableUsers = new ArrayList<>();
        for (LoadGen.Answer x : split.answers()) {
            if (x != null && x.revision().equals(canary)) {
                canaryUsers.add(x.user());
            } else if (x != null && stableUsers.size() < 500) {
                stableUsers.add(x.user());
            }
        }
        if (canaryUsers.isEmpty()) {
            throw new CheckFailed("rollback", "no user landed on the canary; nothing to roll back from");
        }

        // 4. sticky: the same users land on the same side again
        List<String> again = new ArrayList<>(canaryUsers);
        again.addAll(stableUsers);
        LoadGen.Summary sticky = traffic(gen, again);
        long moved = 0;
        for (int i = 0; i < again.size(); i++) {
            LoadGen.Answer x = sticky.answers()[i];
            String expected = i < canaryUsers.size() ? canary : stable;
            if (x == null || !x.revision().equals(expected)) {
                moved++;
            }
        }
        require("sticky per user", moved == 0, String.format(Locale.ROOT, "%d canary and %d stable users asked again, %d "
                + "answered by the other side", canaryUsers.size(), stableUsers.size(), moved));

        // 5. roll back while a probe loop asks for the canary users over and over
        step("roll back deployment %s while probing its %d canary users", id, canaryUsers.size());
        Probe probe = new Probe(prober, canaryUsers);
        Thread probing = new Thread(probe, "probe");
        probing.setDaemon(true);
        probing.start();
        await("the probe sees the canary", Duration.ofSeconds(10), () -> probe.allCanaryRounds() >= 2);
        long rollbackAt = System.nanoTime();
        JsonNode rolledBack = post("/api/v1/deployments/" + id + "/rollback", 200,
                "{\"mode\":\"immediate\",\"reason\":\"router e2e check\"}");
        long answeredAt = System.nanoTime();
        Ack rollbackAck = awaitAck(g2, "rollback");
        JsonNode[] finished = new JsonNode[1];
        String state = awaitState(id, "ROLLED_BACK", finished);
        long rolledBackSeenAt = System.nanoTime();
        await("a probe round all on stable", ACK_WAIT, () -> probe.firstAllStable() != null);
        Probe.Round firstStable = probe.firstAllStable();
        long holdUntil = System.nanoTime() + HOLD.toNanos();
        await("the hold period", HOLD.plusSeconds(2), () -> System.nanoTime() > holdUntil);
        probe.stop();
        probing.join(5000);
        route = awaitRoute(rollbackAck.generation());
        numbers.put("rollback call answered", ms(answeredAt - rollbackAt) + " (" + rolledBack.path("state").asText() + ")");
        numbers.put("rollback call → router ack", ms(rollbackAck.atNanos() - rollbackAt) + " (generation "
                + rollbackAck.generation() + ", canary " + route.path("canaryWeightBasisPoints").asInt(-1) + " bp)");
        numbers.put("rollback call → 100 % stable", ms(firstStable.endNanos() - rollbackAt) + String.format(Locale.ROOT,
                " (end of the first probe round with all %d canary users on stable; a round takes ~%s; last canary answer %s)",
                canaryUsers.size(), ms(probe.typicalRoundNanos()), probe.lastCanaryNanos() < rollbackAt
                        ? "before the call" : ms(probe.lastCanaryNanos() - rollbackAt) + " after the call"));
        numbers.put("rollback call → ROLLED_BACK in the API", ms(rolledBackSeenAt - rollbackAt) + " (polled every 25 ms; "
                + "the orchestrator's rollbackMillis, decision → ack handled, as in avalo_rollback_duration_seconds: "
                + (finished[0] == null ? "?" : finished[0].path("rollbackMillis").asText("?")) + " ms)");
        numbers.put("probe", String.format(Locale.ROOT, "%d rounds, %d requests, %d without a response", probe.rounds(),
                probe.requests(), probe.failures()));
        require("rollback acked by the router at 0 %", route.path("canaryWeightBasisPoints").asInt(-1) == 0,
                "generation " + rollbackAck.generation() + " acked " + ms(rollbackAck.atNanos() - rollbackAt)
                        + " after the rollback call");
        long toStable = firstStable.endNanos() - rollbackAt;
        require("all traffic back on stable within 10 s", toStable <= MAX_ROLLBACK.toNanos()
                && probe.canaryAfter(firstStable) == 0 && probe.failures() == 0,
                "first all-stable probe round " + ms(firstStable.endNanos() - rollbackAt) + " after the call; "
                        + probe.canaryAfter(firstStable) + " canary answers after it during a " + HOLD.toSeconds()
                        + " s hold");
        require("deployment ROLLED_BACK", "ROLLED_BACK".equals(state), "state " + state);

        LoadGen.Summary after = traffic(gen, LoadGen.users("after-" + run + "-", 5000, 5000));
        require("5000 new users after the rollback all on stable", after.byRevision().getOrDefault(stable, 0) == 5000
                && after.byStatus().getOrDefault("2xx", 0) == 5000, "revisions " + after.byRevision() + ", statuses "
                        + after.byStatus());

        // 6. per-second samples on the metrics subject agree with what was sent
        step("count the samples on %s.metrics.%s.%s", need("prefix"), service, env);
        long lastTraffic = System.nanoTime();
        await("metrics windows to close", METRICS_FLUSH.plusSeconds(1),
                () -> System.nanoTime() - lastTraffic > METRICS_FLUSH.toNanos());
        checkSamples();
    }

    private void checkSamples() {
        List<Sample> all = new ArrayList<>(samples);
        Map<String, long[]> byRevision = new LinkedHashMap<>(); // requests, 2xx, errors, histogram count, samples
        long windows = 0;
        long histogramMismatch = 0;
        for (Sample s : all) {
            long[] t = byRevision.computeIfAbsent(s.revision() + " (" + s.role() + ")", k -> new long[5]);
            t[0] += s.requests();
            t[1] += s.s2xx();
            t[2] += s.errors();
            t[3] += s.histogramCount();
            t[4]++;
            if (s.histogramCount() != s.requests()) {
                histogramMismatch++;
            }
            if (s.requests() > 0) {
                windows++;
            }
        }
        long sampled = all.stream().mapToLong(Sample::requests).sum();
        long sampledCanary = all.stream().filter(s -> s.revision().equals(canary)).mapToLong(Sample::requests).sum();
        int sent = sentByRevision.values().stream().mapToInt(Integer::intValue).sum();
        int sentCanary = sentByRevision.getOrDefault(canary, 0);
        StringBuilder detail = new StringBuilder();
        byRevision.forEach((k, t) -> detail.append(String.format(Locale.ROOT, "%s: %d samples, %d requests, %d 2xx, "
                + "%d errors; ", k, t[4], t[0], t[1], t[2])));
        numbers.put("metrics samples", String.format(Locale.ROOT, "%d (%d with traffic): %s", all.size(), windows,
                detail.toString().replaceAll("; $", "")));
        numbers.put("requests sampled vs answered", String.format(Locale.ROOT, "%d vs %d (canary %d vs %d)", sampled,
                sent, sampledCanary, sentCanary));
        require("per-second samples on the metrics subject", all.size() >= 2 && windows >= 2,
                all.size() + " samples, " + windows + " with traffic");
        // the samples count what the router completed; the driver counts what it received. They differ only by exchanges
        // the driver abandoned (its timeout, or the HTTP client retrying on another connection) that the router still
        // completed, so the router's count may exceed the driver's by a few, never fall short of it
        long sampled2xx = all.stream().mapToLong(Sample::s2xx).sum();
        long sampledCanary2xx = all.stream().filter(s -> s.revision().equals(canary)).mapToLong(Sample::s2xx).sum();
        long extra = sampled - sent;
        long extraCanary = sampledCanary - sentCanary;
        require("sampled requests match the traffic sent",
                sampled2xx <= sampled && extra >= 0 && extra <= 10 && extraCanary >= 0 && extraCanary <= extra,
                String.format(Locale.ROOT, "%d sampled (%d 2xx) vs %d answered through the router (canary %d vs %d); %d "
                        + "exchanges the client abandoned", sampled, sampled2xx, sent, sampledCanary, sentCanary, extra));
        long histogramTotal = all.stream().mapToLong(Sample::histogramCount).sum();
        long maxSkew = all.stream().mapToLong(x -> Math.abs(x.histogramCount() - x.requests())).max().orElse(0);
        require("the latency histograms count every request", histogramTotal == sampled, String.format(Locale.ROOT,
                "%d latencies recorded for %d requests; per sample off by at most %d (%d of %d samples)", histogramTotal,
                sampled, maxSkew, histogramMismatch, all.size()));
    }

    // ------------------------------------------------------------------------------------------------------------- probe

    /** Asks for every given user, round after round, and records which rounds were answered entirely by stable or canary. */
    final class Probe implements Runnable {

        record Round(long startNanos, long endNanos, int canary, int stable, int failed) {
        }

        private final LoadGen gen;
        private final List<String> users;
        private final List<Round> rounds = new CopyOnWriteArrayList<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private volatile long lastCanaryNanos;

        Probe(LoadGen gen, List<String> users) {
            this.gen = gen;
            this.users = users;
        }

        @Override
        public void run() {
            while (!stop.get() && System.nanoTime() < deadline) {
                long start = System.nanoTime();
                LoadGen.Summary s;
                try {
                    s = gen.run(users);
                } catch (InterruptedException e) {
                    return;
                }
                int c = 0;
                int st = 0;
                for (LoadGen.Answer x : s.answers()) {
                    if (x != null && x.revision().equals(canary)) {
                        c++;
                        lastCanaryNanos = Math.max(lastCanaryNanos, x.doneNanos());
                    } else if (x != null && x.revision().equals(stable) && x.status() / 100 == 2) {
                        st++;
                    }
                }
                count(s);
                rounds.add(new Round(start, System.nanoTime(), c, st, users.size() - c - st));
            }
        }

        void stop() {
            stop.set(true);
        }

        long allCanaryRounds() {
            return rounds.stream().filter(r -> r.canary() == users.size()).count();
        }

        /** The first round answered entirely by stable after a round answered entirely by the canary. */
        Round firstAllStable() {
            boolean sawCanary = false;
            for (Round r : rounds) {
                if (r.canary() == users.size()) {
                    sawCanary = true;
                } else if (sawCanary && r.stable() == users.size()) {
                    return r;
                }
            }
            return null;
        }

        long canaryAfter(Round first) {
            return rounds.stream().filter(r -> r.startNanos() > first.startNanos()).mapToLong(Round::canary).sum();
        }

        long lastCanaryNanos() {
            return lastCanaryNanos;
        }

        int rounds() {
            return rounds.size();
        }

        long requests() {
            return (long) rounds.size() * users.size();
        }

        long failures() {
            return rounds.stream().mapToLong(Round::failed).sum();
        }

        long typicalRoundNanos() {
            long[] d = rounds.stream().mapToLong(r -> r.endNanos() - r.startNanos()).sorted().toArray();
            return d.length == 0 ? 0 : d[d.length / 2];
        }
    }

    // ------------------------------------------------------------------------------------------------------------- helpers

    private LoadGen.Summary traffic(LoadGen gen, List<String> users) throws InterruptedException {
        LoadGen.Summary s = gen.run(users);
        count(s);
        log("  %d requests in %.1f s: %s %s%s", users.size(), s.elapsedNanos() / 1e9, s.byRevision(), s.byStatus(),
                s.failed() == 0 ? "" : ", " + s.failed() + " without a response (" + s.firstFailure() + ")");
        return s;
    }

    private void count(LoadGen.Summary s) {
        for (LoadGen.Answer x : s.answers()) {
            if (x != null) {
                sentByRevision.merge(x.revision(), 1, Integer::sum);
            }
        }
    }

    private Ack awaitAck(long after, String what) {
        await("the router's ack of the " + what + " route", ACK_WAIT,
                () -> acks.stream().anyMatch(x -> x.generation() > after));
        return acks.stream().filter(x -> x.generation() > after).findFirst().orElseThrow();
    }

    /** The router's applied route (admin API: the desired route's fields plus appliedAt) once it has {@code generation}. */
    private JsonNode awaitRoute(long generation) throws Exception {
        JsonNode[] last = new JsonNode[1];
        await("the router's admin API to show generation " + generation, ACK_WAIT, () -> {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(need("router-admin")
                        + "/api/v1/routes/" + service + "/" + env)).timeout(Duration.ofSeconds(2)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    return false;
                }
                last[0] = JSON.readTree(r.body());
                return last[0].path("generation").asLong() >= generation;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        return last[0];
    }

    /** Polls the deployment until it is in state {@code wanted}; returns the last state seen (its view in {@code view[0]}). */
    private String awaitState(String id, String wanted, JsonNode[] view) {
        String[] state = {"?"};
        try {
            // every 25 ms: the orchestrator shares two cores with the router, the apps and this check
            await("deployment " + id + " " + wanted, ACK_WAIT, 25, () -> {
                try {
                    view[0] = get("/api/v1/deployments/" + id);
                    state[0] = view[0].path("state").asText();
                    return wanted.equals(state[0]);
                } catch (IOException e) {
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            });
        } catch (CheckFailed e) {
            return state[0];
        }
        return state[0];
    }

    private JsonNode post(String path, int expected, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(need("orchestrator") + path))
                .timeout(Duration.ofSeconds(15)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expected) {
            throw new CheckFailed("POST " + path, "expected " + expected + ", got " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(need("orchestrator") + path))
                .timeout(Duration.ofSeconds(5)).header("Authorization", "Bearer " + token).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + ": " + r.statusCode());
        }
        return JSON.readTree(r.body());
    }

    /** Polls {@code condition} every 5 ms until it holds; fails the check after {@code max} or past the deadline. */
    private void await(String what, Duration max, BooleanSupplier condition) {
        await(what, max, 5, condition);
    }

    private void await(String what, Duration max, long pollMillis, BooleanSupplier condition) {
        long until = Math.min(deadline, System.nanoTime() + max.toNanos());
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new CheckFailed(what, "not within " + (System.nanoTime() > deadline ? "the check's deadline"
                        : max.toMillis() + " ms"));
            }
            try {
                Thread.sleep(pollMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CheckFailed(what, "interrupted");
            }
        }
    }

    private static Sample sample(JsonNode n, long at) {
        long histogramCount = -1;
        String latency = n.path("latency").asText("");
        if (!latency.isEmpty()) {
            try {
                histogramCount = Histogram.decodeFromCompressedByteBuffer(
                        ByteBuffer.wrap(Base64.getDecoder().decode(latency)), 0).getTotalCount();
            } catch (java.util.zip.DataFormatException | RuntimeException e) {
                histogramCount = -2;
            }
        }
        JsonNode status = n.path("status");
        return new Sample(n.path("revision").asText(), n.path("role").asText(), n.path("requests").asLong(),
                n.path("errors").asLong(), status.path("2xx").asLong(), status.path("5xx").asLong(),
                n.path("windowMillis").asLong(), histogramCount, n.path("users").asLong(), at);
    }

    private void step(String format, Object... args) {
        log("== " + format, args);
    }

    private static void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, "e2e: " + format + "%n", args);
    }

    private void require(String name, boolean ok, String detail) {
        results.add(new String[] {ok ? "PASS" : "FAIL", name, detail});
        log("%s %s: %s", ok ? "PASS" : "FAIL", name, detail);
    }

    private void fail(String name, String detail) {
        results.add(new String[] {"FAIL", name, detail});
        log("FAIL %s: %s", name, detail);
    }

    private boolean report() {
        boolean ok = !results.isEmpty() && results.stream().allMatch(r -> r[0].equals("PASS"));
        System.out.println();
        System.out.println("traffic-router end-to-end check (issue 3 \"done means\"): " + (ok ? "PASS" : "FAIL"));
        numbers.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-46s %s%n", k + ":", v));
        System.out.println();
        for (String[] r : results) {
            System.out.printf(Locale.ROOT, "  %s  %s — %s%n", r[0], r[1], r[2]);
        }
        long passed = results.stream().filter(r -> r[0].equals("PASS")).count();
        System.out.printf(Locale.ROOT, "%nrouter-e2e: %d passed, %d failed%n", passed, results.size() - passed);
        return ok;
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }

    private String need(String name) {
        String v = a.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    private static Map<String, String> args(String[] argv) {
        Map<String, String> m = new java.util.HashMap<>();
        for (int i = 1; i < argv.length; i += 2) {
            if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
                throw new IllegalArgumentException("expected --name value, got " + argv[i]);
            }
            m.put(argv[i].substring(2), argv[i + 1]);
        }
        return m;
    }

    static final class CheckFailed extends RuntimeException {
        final String step;

        CheckFailed(String step, String message) {
            super(message);
            this.step = step;
        }
    }

    // ------------------------------------------------------------------------------------------------------------- cleanup

    private static void cleanup(Map<String, String> a) throws Exception {
        Options options = new Options.Builder().server(a.get("nats")).connectionTimeout(Duration.ofSeconds(5))
                .maxReconnects(0).build();
        try (Connection nc = Nats.connect(options)) {
            if (a.containsKey("bucket")) {
                ignoreNotFound(() -> nc.keyValueManagement().delete(a.get("bucket")));
            }
            if (a.containsKey("stream")) {
                ignoreNotFound(() -> nc.jetStreamManagement().deleteStream(a.get("stream")));
            }
        }
    }

    private interface JsAction {
        void run() throws IOException, JetStreamApiException;
    }

    private static void ignoreNotFound(JsAction action) throws IOException {
        try {
            action.run();
        } catch (JetStreamApiException e) {
            if (e.getErrorCode() != 404) {
                throw new IOException(e);
            }
        }
    }
}
