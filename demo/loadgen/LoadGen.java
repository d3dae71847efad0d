import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends requests through the traffic-router and counts which revision answered each ({@code X-Avalo-Revision}).
 * Dependency-free, run with the JDK's source launcher:
 *
 * <pre>
 * java demo/loadgen/LoadGen.java --host chat-api --requests 5000
 * java demo/loadgen/LoadGen.java --url http://127.0.0.1:8000/ --host chat-api --requests 20000 --concurrency 16 --json
 * </pre>
 *
 * <pre>
 * --url          http://127.0.0.1:8000/  the router's data plane
 * --host         (required)              the Host header: the service name (or a router host alias)
 * --requests     1000                    how many requests
 * --users        = requests              distinct X-User-Id values, used round robin (user i = prefix + i % users)
 * --user-prefix  user-                   X-User-Id prefix; change it to get a different set of users
 * --concurrency  16                      requests in flight
 * --timeout      5s                      per request
 * --json                                 one JSON line instead of the table
 * </pre>
 *
 * Steady mode, for the demo: {@code --rate} requests per second (paced every 10 ms, asynchronous, at most
 * {@code --concurrency} in flight: what finds no room is counted as skipped, not queued) for {@code --duration} (or until
 * stopped), spread evenly over the comma-separated {@code --host} list (a host listed twice gets twice the share), each
 * request from a random one of {@code --users}
 * users (default 5000) per host, with a line per host every {@code --report-every} (10s):
 *
 * <pre>
 * java demo/loadgen/LoadGen.java --host chat-api,payments-api --rate 400 --users 5000 --report-every 10s
 * loadgen chat-api: 2000 req in 10 s (200/s), p50 16.2 ms, p99 31.0 ms, 2xx 100.0 %, chat-api-v1 98.9 %, chat-api-v2 1.1 %
 * </pre>
 *
 * The router puts a user on the canary when the hash of their {@code X-User-Id} falls below the canary weight, so with many
 * distinct users the canary's share of requests approaches the weight (1 % at 100 basis points). Exits 1 when any request
 * failed (no response) or no request was answered; non-2xx answers are counted and shown, not failures.
 * <p>
 * Also a small library for {@code scripts/e2e/RouterE2E.java}, which compiles it alongside: {@link #send} and {@link #run}.
 */
public final class LoadGen {

    /** The router's response header naming the revision that answered. */
    public static final String REVISION_HEADER = "X-Avalo-Revision";
    /** Stands for "no X-Avalo-Revision header" in the counts (e.g. a router 404 for an unknown host). */
    public static final String NO_REVISION = "(none)";

    static {
        // java.net.http refuses to set Host unless allowed; the router picks the service by Host
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
    }

    private final URI url;
    private final String host;
    private final Duration timeout;
    private final HttpClient client;
    private final ExecutorService workers;
    private final int concurrency;

    public LoadGen(URI url, String host, int concurrency, Duration timeout) {
        this.url = url;
        this.host = host;
        this.timeout = timeout;
        this.concurrency = concurrency;
        this.workers = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "loadgen");
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
    }

    /** One answered request: status, revision (or {@link #NO_REVISION}), the upstream's X-App-Version, and timing. */
    public record Answer(String user, int status, String revision, String appVersion, long sentNanos, long doneNanos) {
    }

    /** Sends one GET for {@code user}; throws when there is no response (connect failure, timeout). */
    public Answer send(String user) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).header("Host", host)
                .header("X-User-Id", user).GET().build();
        long sent = System.nanoTime();
        HttpResponse<Void> r = client.send(request, HttpResponse.BodyHandlers.discarding());
        return new Answer(user, r.statusCode(), r.headers().firstValue(REVISION_HEADER).orElse(NO_REVISION),
                r.headers().firstValue("X-App-Version").orElse(""), sent, System.nanoTime());
    }

    /** The outcome of {@link #run}: answers in the order of the users given (null where the request failed). */
    public record Summary(List<String> users, Answer[] answers, int failed, String firstFailure, long elapsedNanos) {

        public int answered() {
            return (int) Arrays.stream(answers).filter(a -> a != null).count();
        }

        /** Answered requests by revision, sorted by revision. */
        public Map<String, Integer> byRevision() {
            Map<String, Integer> m = new TreeMap<>();
            for (Answer a : answers) {
                if (a != null) {
                    m.merge(a.revision(), 1, Integer::sum);
                }
            }
            return m;
        }

        /** Answered requests by status class ("2xx", …). */
        public Map<String, Integer> byStatus() {
            Map<String, Integer> m = new TreeMap<>();
            for (Answer a : answers) {
                if (a != null) {
                    m.merge(a.status() / 100 + "xx", 1, Integer::sum);
                }
            }
            return m;
        }

        /** Latency percentile in milliseconds (nearest rank) over the answered requests. */
        public double latencyMillis(double percentile) {
            long[] l = Arrays.stream(answers).filter(a -> a != null).mapToLong(a -> a.doneNanos() - a.sentNanos())
                    .sorted().toArray();
            if (l.length == 0) {
                return 0;
            }
            int rank = (int) Math.ceil(percentile / 100.0 * l.length);
            return l[Math.max(0, Math.min(l.length - 1, rank - 1))] / 1e6;
        }

        public double requestsPerSecond() {
            return elapsedNanos == 0 ? 0 : answered() * 1e9 / elapsedNanos;
        }
    }

    /** Sends one request per entry of {@code users} with {@code concurrency} in flight; waits for all of them. */
    public Summary run(List<String> users) throws InterruptedException {
        Answer[] answers = new Answer[users.size()];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        String[] firstFailure = new String[1];
        long start = System.nanoTime();
        List<java.util.concurrent.Future<?>> running = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            running.add(workers.submit(() -> {
                for (int i = next.getAndIncrement(); i < answers.length; i = next.getAndIncrement()) {
                    try {
                        answers[i] = send(users.get(i));
                    } catch (IOException e) {
                        if (failed.getAndIncrement() == 0) {
                            firstFailure[0] = e.toString();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }));
        }
        for (var f : running) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
        return new Summary(users, answers, failed.get(), firstFailure[0], System.nanoTime() - start);
    }

    /** {@code prefix + i % users} for i in 0…requests-1. */
    public static List<String> users(String prefix, int requests, int users) {
        List<String> list = new ArrayList<>(requests);
        for (int i = 0; i < requests; i++) {
            list.add(prefix + (i % users));
        }
        return list;
    }

    public void close() {
        workers.shutdownNow();
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> o = parse(argv);
        if (!o.containsKey("host")) {
            usage("--host is required (the service name)");
        }
        if (o.containsKey("rate")) {
            steady(o);
            return;
        }
        int requests = whole(o, "requests", "1000");
        int users = whole(o, "users", String.valueOf(requests));
        int concurrency = whole(o, "concurrency", "16");
        Duration timeout = Duration.ofMillis((long) (seconds(o.getOrDefault("timeout", "5s")) * 1000));
        LoadGen gen = new LoadGen(URI.create(o.getOrDefault("url", "http://127.0.0.1:8000/")), o.get("host"), concurrency,
                timeout);
        Summary s;
        try {
            s = gen.run(users(o.getOrDefault("user-prefix", "user-"), requests, users));
        } finally {
            gen.close();
        }
        if (o.containsKey("json")) {
            System.out.println(json(s));
        } else {
            print(s, requests, users);
        }
        System.exit(s.failed() > 0 || s.answered() == 0 ? 1 : 0);
    }

    /** One host's figures of the current report interval. */
    private static final class Interval {
        final Map<String, Integer> byRevision = new TreeMap<>();
        final Map<String, Integer> byStatus = new TreeMap<>();
        final List<Long> latencies = new ArrayList<>();
        int failed;
        int skipped;
    }

    /** {@code --rate} mode: paced asynchronous requests over the hosts until {@code --duration} or SIGTERM. */
    private static void steady(Map<String, String> o) throws InterruptedException {
        String[] hosts = o.get("host").split(",");
        int rate = whole(o, "rate", "100");
        int users = whole(o, "users", "5000");
        int concurrency = whole(o, "concurrency", "64");
        String prefix = o.getOrDefault("user-prefix", "user-");
        Duration timeout = Duration.ofMillis((long) (seconds(o.getOrDefault("timeout", "5s")) * 1000));
        double durationSeconds = o.containsKey("duration") ? seconds(o.get("duration")) : Double.POSITIVE_INFINITY;
        long reportNanos = (long) (seconds(o.getOrDefault("report-every", "10s")) * 1e9);
        URI url = URI.create(o.getOrDefault("url", "http://127.0.0.1:8000/"));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        java.util.concurrent.Semaphore room = new java.util.concurrent.Semaphore(concurrency);
        Map<String, Interval> intervals = new java.util.concurrent.ConcurrentHashMap<>();
        for (String h : hosts) {
            intervals.put(h, new Interval());
        }
        long start = System.nanoTime();
        long nextReport = start + reportNanos;
        long sent = 0;
        java.util.Random random = new java.util.Random();
        System.err.printf(Locale.ROOT, "loadgen: %d req/s over %s through %s, %d users per host%n", rate,
                String.join(", ", hosts), url, users);
        while (System.nanoTime() - start < durationSeconds * 1e9) {
            long due = (long) ((System.nanoTime() - start) / 1e9 * rate);
            for (; sent < due; sent++) {
                String host = hosts[(int) (sent % hosts.length)];
                Interval iv = intervals.get(host);
                if (!room.tryAcquire()) {
                    synchronized (iv) {
                        iv.skipped++;
                    }
                    continue;
                }
                HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).header("Host", host)
                        .header("X-User-Id", prefix + random.nextInt(users)).GET().build();
                long t0 = System.nanoTime();
                client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                    room.release();
                    long micros = (System.nanoTime() - t0) / 1000;
                    synchronized (iv) {
                        if (e != null) {
                            iv.failed++;
                        } else {
                            iv.byStatus.merge(r.statusCode() / 100 + "xx", 1, Integer::sum);
                            iv.byRevision.merge(r.headers().firstValue(REVISION_HEADER).orElse(NO_REVISION), 1,
                                    Integer::sum);
                            iv.latencies.add(micros);
                        }
                    }
                });
            }
            if (System.nanoTime() >= nextReport) {
                report(intervals, reportNanos / 1e9);
                nextReport += reportNanos;
            }
            Thread.sleep(10);
        }
        room.acquire(concurrency);
        report(intervals, (System.nanoTime() - nextReport + reportNanos) / 1e9);
    }

    private static void report(Map<String, Interval> intervals, double seconds) {
        for (var entry : new TreeMap<>(intervals).entrySet()) {
            Interval iv = entry.getValue();
            StringBuilder b = new StringBuilder();
            synchronized (iv) {
                int answered = iv.latencies.size();
                long[] l = iv.latencies.stream().mapToLong(Long::longValue).sorted().toArray();
                b.append(String.format(Locale.ROOT, "loadgen %s: %d req in %.0f s (%.0f/s)", entry.getKey(), answered,
                        seconds, answered / Math.max(seconds, 0.001)));
                if (answered > 0) {
                    b.append(String.format(Locale.ROOT, ", p50 %.1f ms, p99 %.1f ms", l[(int) (0.5 * (l.length - 1))] / 1e3,
                            l[(int) Math.ceil(0.99 * (l.length - 1))] / 1e3));
                    for (var s : iv.byStatus.entrySet()) {
                        b.append(String.format(Locale.ROOT, ", %s %.1f %%", s.getKey(), 100.0 * s.getValue() / answered));
                    }
                    for (var r : iv.byRevision.entrySet()) {
                        b.append(String.format(Locale.ROOT, ", %s %.1f %%", r.getKey(), 100.0 * r.getValue() / answered));
                    }
                }
                if (iv.failed > 0 || iv.skipped > 0) {
                    b.append(String.format(Locale.ROOT, "; %d without a response, %d skipped (no room)", iv.failed,
                            iv.skipped));
                }
                iv.byRevision.clear();
                iv.byStatus.clear();
                iv.latencies.clear();
                iv.failed = 0;
                iv.skipped = 0;
            }
            System.out.println(b);
        }
        System.out.flush();
    }

    private static void print(Summary s, int requests, int users) {
        System.out.printf(Locale.ROOT, "%d requests from %d users in %.1f s (%.0f req/s, p50 %.1f ms, p99 %.1f ms)%n",
                requests, users, s.elapsedNanos() / 1e9, s.requestsPerSecond(), s.latencyMillis(50),
                s.latencyMillis(99));
        int answered = s.answered();
        for (var e : s.byRevision().entrySet()) {
            System.out.printf(Locale.ROOT, "  %-32s %7d  %6.2f %%%n", e.getKey(), e.getValue(),
                    answered == 0 ? 0 : 100.0 * e.getValue() / answered);
        }
        System.out.println("  status: " + s.byStatus() + (s.failed() > 0
                ? "; " + s.failed() + " without a response (first: " + s.firstFailure() + ")"
                : ""));
    }

    private static String json(Summary s) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "{\"requests\":%d,\"answered\":%d,\"failed\":%d,\"seconds\":%.3f,"
                + "\"rps\":%.1f,\"p50Ms\":%.2f,\"p99Ms\":%.2f,\"byRevision\":{", s.users().size(), s.answered(),
                s.failed(), s.elapsedNanos() / 1e9, s.requestsPerSecond(), s.latencyMillis(50), s.latencyMillis(99)));
        String sep = "";
        for (var e : s.byRevision().entrySet()) {
            b.append(sep).append('"').append(e.getKey().replace("\"", "")).append("\":").append(e.getValue());
            sep = ",";
        }
        b.append("},\"byStatus\":{");
        sep = "";
        for (var e : s.byStatus().entrySet()) {
            b.append(sep).append('"').append(e.getKey()).append("\":").append(e.getValue());
            sep = ",";
        }
        return b.append("}}").toString();
    }

    private static Map<String, String> parse(String[] argv) {
        Set<String> known = Set.of("url", "host", "requests", "users", "user-prefix", "concurrency", "timeout", "json",
                "rate", "duration", "report-every");
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (a.equals("-h") || a.equals("--help")) {
                usage(null);
            }
            if (!a.startsWith("--") || !known.contains(a.substring(2))) {
                usage("unknown argument " + a);
            }
            String name = a.substring(2);
            if (name.equals("json")) {
                o.put(name, "true");
            } else if (i + 1 < argv.length) {
                o.put(name, argv[++i]);
            } else {
                usage(a + " needs a value");
            }
        }
        return o;
    }

    private static int whole(Map<String, String> o, String name, String fallback) {
        try {
            int v = Integer.parseInt(o.getOrDefault(name, fallback));
            if (v < 1) {
                usage("--" + name + " must be at least 1");
            }
            return v;
        } catch (NumberFormatException e) {
            usage("--" + name + " must be a whole number");
            return 0;
        }
    }

    private static double seconds(String v) {
        try {
            return v.endsWith("ms") ? Double.parseDouble(v.substring(0, v.length() - 2)) / 1000
                    : Double.parseDouble(v.endsWith("s") ? v.substring(0, v.length() - 1) : v);
        } catch (NumberFormatException e) {
            usage("--timeout, --duration and --report-every must look like 5s or 500ms");
            return 0;
        }
    }

    private static void usage(String problem) {
        if (problem != null) {
            System.err.println("loadgen: " + problem);
        }
        System.err.println("usage: java demo/loadgen/LoadGen.java --host SERVICE [--url http://127.0.0.1:8000/]"
                + " [--requests 1000] [--users N] [--user-prefix user-] [--concurrency 16] [--timeout 5s] [--json]\n"
                + "       java demo/loadgen/LoadGen.java --host SERVICE[,SERVICE...] --rate REQ_PER_S [--duration 60s]"
                + " [--users 5000] [--concurrency 64] [--report-every 10s]");
        System.exit(problem == null ? 0 : 2);
    }
}
