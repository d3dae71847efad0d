import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The demo's upstream: one revision of a service, with fault injection, that pushes the strategy document's business metrics
 * to the health-scorer. Dependency-free, run with the JDK's source launcher:
 *
 * <pre>
 * java demo/sample-app/SampleApp.java --port 9101 --version blue
 * java demo/sample-app/SampleApp.java --port 9102 --version green --error-rate 0.05 --latency-ms 200
 * java demo/sample-app/SampleApp.java --port 9103 --version v2 --service chat-api --revision chat-api-v2 \
 *      --metrics-url http://127.0.0.1:8081 --metrics-token "$(scripts/token.sh deployer sample-app)"
 * </pre>
 *
 * Every option also reads an environment variable (the flag wins):
 *
 * <pre>
 * --host                  SAMPLE_HOST                  127.0.0.1   address to listen on
 * --port                  SAMPLE_PORT                  9101        port
 * --version               SAMPLE_VERSION               blue        version string in every body and in the X-App-Version header
 * --error-rate            SAMPLE_ERROR_RATE            0           fraction of requests answered 503 (0.0–1.0)
 * --latency-ms            SAMPLE_LATENCY_MS            0           typical added latency (log-normal around it, sigma 0.25)
 * --threads               SAMPLE_THREADS               32          worker pool size (Java 17: no virtual threads, a fixed pool)
 * --service               SAMPLE_SERVICE               -           service name, for the pushed metrics
 * --environment           SAMPLE_ENVIRONMENT           production  environment, for the pushed metrics
 * --revision              SAMPLE_REVISION              = version   revision name, for the pushed metrics
 * --metrics-url           SAMPLE_METRICS_URL           -           health-scorer base URL; set = push every second
 * --metrics-token         SAMPLE_METRICS_TOKEN         -           bearer token (deployer) for POST /api/v1/metrics
 * --payment-failure-rate  SAMPLE_PAYMENT_FAILURE_RATE  = error-rate fraction of payments that fail
 * </pre>
 *
 * Any path answers {@code 200 version=<version> path=<path>} (text/plain), or with probability {@code error-rate}
 * {@code 503 version=<version> error=injected}. {@code GET /healthz} always answers 200 without faults or latency, for start
 * scripts and probes. {@code GET /admin/faults} shows the faults, {@code POST /admin/faults} with
 * {@code {"errorRate":0.2,"latencyMs":500,"paymentFailureRate":0.2}} (any subset) changes them while running (the demo and
 * the end-to-end suite turn a healthy canary bad that way). SIGTERM (or Ctrl-C) stops it after at most one second of
 * draining.
 * <p>
 * With {@code --metrics-url}, every second it pushes what the requests it served in that second did, as a chat-and-payments
 * app would report it ({@code POST /api/v1/metrics}, services/health-scorer/README.md): counters {@code payment_transactions}
 * (one request in five pays), {@code payment_failures}, {@code revenue}, {@code ai_moderation_requests} /
 * {@code ai_moderation_success}, {@code sessions} / {@code session_failures}, {@code auth_attempts} / {@code auth_failures},
 * {@code db_errors}; gauges {@code ai_model_latency_ms}, {@code chat_delivery_latency_ms}, {@code db_query_time_ms},
 * {@code db_connection_up}, {@code engagement}, {@code active_users} (distinct {@code X-User-Id} in the last minute),
 * {@code concurrent_connections}, and the process' own {@code cpu_percent} and {@code memory_percent} (heap), with a simulated
 * data volume's {@code disk_percent}. Faults degrade them as they would a real app: failed requests fail their payments,
 * moderation, sessions and logins, and added latency shows in the model, chat and database timings.
 */
public final class SampleApp {

    /** Faults, changeable while running ({@code POST /admin/faults}). */
    private static volatile double errorRate;
    private static volatile long latencyMs;
    private static volatile double paymentFailureRate;

    /** What the requests of the current second did, taken and reset by the pusher. */
    private static final LongAdder requests = new LongAdder();
    private static final LongAdder payments = new LongAdder();
    private static final LongAdder paymentFailures = new LongAdder();
    private static final DoubleAdder revenue = new DoubleAdder();
    private static final LongAdder moderations = new LongAdder();
    private static final LongAdder moderationSuccesses = new LongAdder();
    private static final LongAdder sessions = new LongAdder();
    private static final LongAdder sessionFailures = new LongAdder();
    private static final LongAdder logins = new LongAdder();
    private static final LongAdder loginFailures = new LongAdder();
    private static final LongAdder dbErrors = new LongAdder();
    private static final AtomicInteger inFlight = new AtomicInteger();
    /** X-User-Id → last seen (epoch millis), for active_users over the last minute. */
    private static final Map<String, Long> users = new ConcurrentHashMap<>();

    public static void main(String[] argv) throws IOException {
        // without TCP_NODELAY, the separate writes of headers and body wait for the client's delayed ACK (~40 ms a request)
        System.setProperty("sun.net.httpserver.nodelay", "true");
        Map<String, String> opts = parse(argv);
        String host = opt(opts, "host", "SAMPLE_HOST", "127.0.0.1");
        int port = (int) number("port", opt(opts, "port", "SAMPLE_PORT", "9101"));
        String version = opt(opts, "version", "SAMPLE_VERSION", "blue");
        errorRate = rate("error-rate", opt(opts, "error-rate", "SAMPLE_ERROR_RATE", "0"));
        latencyMs = (long) number("latency-ms", opt(opts, "latency-ms", "SAMPLE_LATENCY_MS", "0"));
        paymentFailureRate = rate("payment-failure-rate",
                opt(opts, "payment-failure-rate", "SAMPLE_PAYMENT_FAILURE_RATE", String.valueOf(errorRate)));
        int threads = (int) number("threads", opt(opts, "threads", "SAMPLE_THREADS", "32"));
        String service = opt(opts, "service", "SAMPLE_SERVICE", null);
        String environment = opt(opts, "environment", "SAMPLE_ENVIRONMENT", "production");
        String revision = opt(opts, "revision", "SAMPLE_REVISION", version);
        String metricsUrl = opt(opts, "metrics-url", "SAMPLE_METRICS_URL", null);
        String metricsToken = opt(opts, "metrics-token", "SAMPLE_METRICS_TOKEN", null);
        if (latencyMs < 0 || threads < 1 || port < 0 || port > 65535) {
            usage("--latency-ms must be >= 0, --threads >= 1, --port 0–65535");
        }
        if (version.isBlank() || !version.chars().allMatch(c -> c > 32 && c < 127)) {
            usage("--version must be printable ASCII without spaces (it goes into a header)");
        }
        if (metricsUrl != null && (service == null || metricsToken == null)) {
            usage("--metrics-url needs --service and --metrics-token (a deployer token: scripts/token.sh deployer)");
        }
        for (String[] name : new String[][]{{"service", service}, {"environment", environment}, {"revision", revision}}) {
            if (name[1] != null && !name[1].matches("[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?")) {
                usage("--" + name[0] + " must be a lowercase name (a-z, 0-9, '.', '_', '-'), got " + name[1]);
            }
        }

        AtomicLong served = new AtomicLong();
        AtomicLong faults = new AtomicLong();
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 1024);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "sample-app-" + version);
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.createContext("/healthz", exchange -> respond(exchange, 200, version, "version=" + version + " ok\n"));
        server.createContext("/admin/faults", exchange -> faults(exchange, version));
        server.createContext("/", exchange -> {
            inFlight.incrementAndGet();
            try {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                long latency = latencyMs;
                if (latency > 0) {
                    try {
                        Thread.sleep(Math.round(latency * Math.exp(0.25 * random.nextGaussian())));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                served.incrementAndGet();
                String user = exchange.getRequestHeaders().getFirst("X-User-Id");
                if (user != null && users.size() < 1_000_000) {
                    users.put(user, System.currentTimeMillis());
                }
                boolean failed = errorRate > 0 && random.nextDouble() < errorRate;
                business(random, failed);
                if (failed) {
                    faults.incrementAndGet();
                    respond(exchange, 503, version, "version=" + version + " error=injected\n");
                } else {
                    respond(exchange, 200, version,
                            "version=" + version + " path=" + exchange.getRequestURI().getPath() + "\n");
                }
            } finally {
                inFlight.decrementAndGet();
            }
        });
        ScheduledExecutorService pusher = null;
        if (metricsUrl != null) {
            Pusher p = new Pusher(URI.create(metricsUrl.replaceAll("/+$", "") + "/api/v1/metrics"), metricsToken, service,
                    environment, revision);
            pusher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "sample-app-metrics");
                t.setDaemon(true);
                return t;
            });
            long delay = 1000 - System.currentTimeMillis() % 1000;
            pusher.scheduleAtFixedRate(p::push, delay, 1000, TimeUnit.MILLISECONDS);
        }
        ScheduledExecutorService stopPusher = pusher;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(1);
            pool.shutdownNow();
            if (stopPusher != null) {
                stopPusher.shutdownNow();
            }
            System.err.printf(Locale.ROOT, "sample-app %s: stopped after %d requests (%d injected errors)%n", version,
                    served.get(), faults.get());
        }, "sample-app-stop"));
        server.start();
        System.err.printf(Locale.ROOT,
                "sample-app %s: listening on http://%s:%d (error rate %.3f, added latency %d ms, %d threads)%s%n",
                version, host, server.getAddress().getPort(), errorRate, latencyMs, threads,
                metricsUrl == null ? "" : "; pushing metrics of " + service + "/" + environment + " " + revision + " to "
                        + metricsUrl);
    }

    /** What one request did to the business: one in five pays, one in three posts a message for moderation, and so on. */
    private static void business(ThreadLocalRandom random, boolean failed) {
        requests.increment();
        if (random.nextInt(5) == 0) {
            payments.increment();
            if (failed || (paymentFailureRate > 0 && random.nextDouble() < paymentFailureRate)) {
                paymentFailures.increment();
            } else {
                revenue.add(4.99);
            }
        }
        if (random.nextInt(3) == 0) {
            moderations.increment();
            if (!failed) {
                moderationSuccesses.increment();
            }
        }
        if (random.nextInt(10) == 0) {
            sessions.increment();
            if (failed) {
                sessionFailures.increment();
            }
        }
        if (random.nextInt(20) == 0) {
            logins.increment();
            if (failed) {
                loginFailures.increment();
            }
        }
        if (failed && random.nextInt(4) == 0) {
            dbErrors.increment();
        }
    }

    /** Pushes the last second's business metrics to the health-scorer; failures are logged (once a minute), never fatal. */
    private static final class Pusher {
        private final URI uri;
        private final String token;
        private final String service;
        private final String environment;
        private final String revision;
        private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        private long lastComplaint;
        private long pushed;

        Pusher(URI uri, String token, String service, String environment, String revision) {
            this.uri = uri;
            this.token = token;
            this.service = service;
            this.environment = environment;
            this.revision = revision;
        }

        void push() {
            try {
                // the figures of the second that just ended, stamped with its start
                Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(1);
                long n = requests.sumThenReset();
                List<String> samples = new ArrayList<>();
                counter(samples, at, "payment_transactions", payments.sumThenReset());
                counter(samples, at, "payment_failures", paymentFailures.sumThenReset());
                counter(samples, at, "revenue", Math.round(revenue.sumThenReset() * 100) / 100.0);
                counter(samples, at, "ai_moderation_requests", moderations.sumThenReset());
                counter(samples, at, "ai_moderation_success", moderationSuccesses.sumThenReset());
                counter(samples, at, "sessions", sessions.sumThenReset());
                counter(samples, at, "session_failures", sessionFailures.sumThenReset());
                counter(samples, at, "auth_attempts", logins.sumThenReset());
                counter(samples, at, "auth_failures", loginFailures.sumThenReset());
                counter(samples, at, "db_errors", dbErrors.sumThenReset());
                ThreadLocalRandom random = ThreadLocalRandom.current();
                double latency = latencyMs;
                double healthy = 1 - errorRate;
                gauge(samples, at, "ai_model_latency_ms", 180 + latency + 10 * random.nextGaussian());
                gauge(samples, at, "chat_delivery_latency_ms", 45 + latency + 3 * random.nextGaussian());
                gauge(samples, at, "db_query_time_ms", 12 + latency / 4 + random.nextGaussian());
                gauge(samples, at, "db_connection_up", 1);
                gauge(samples, at, "engagement", 62 * healthy + 0.5 * random.nextGaussian());
                long cutoff = System.currentTimeMillis() - 60_000;
                users.values().removeIf(seen -> seen < cutoff);
                int active = users.size();
                gauge(samples, at, "active_users", active);
                gauge(samples, at, "concurrent_connections", Math.round(active * 0.7) + inFlight.get());
                double cpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuLoad();
                if (cpu >= 0) {
                    gauge(samples, at, "cpu_percent", Math.round(cpu * 1000) / 10.0);
                }
                MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
                if (heap.getMax() > 0) {
                    gauge(samples, at, "memory_percent", Math.round(1000.0 * heap.getUsed() / heap.getMax()) / 10.0);
                }
                gauge(samples, at, "disk_percent", 41 + 0.2 * random.nextGaussian());
                String body = "{\"service\":\"" + service + "\",\"environment\":\"" + environment + "\",\"samples\":["
                        + String.join(",", samples) + "]}";
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2))
                        .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() / 100 != 2) {
                    complain("HTTP " + r.statusCode() + " " + r.body());
                } else if (pushed++ == 0) {
                    System.err.println("sample-app: first metrics push accepted (" + n + " requests in that second)");
                }
            } catch (IOException e) {
                complain(e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                complain(e.toString());
            }
        }

        private void counter(List<String> samples, Instant at, String name, double value) {
            samples.add(sample(at, name, "counter", value));
        }

        private void gauge(List<String> samples, Instant at, String name, double value) {
            samples.add(sample(at, name, "gauge", Math.max(0, value)));
        }

        private String sample(Instant at, String name, String kind, double value) {
            return String.format(Locale.ROOT, "{\"revision\":\"%s\",\"name\":\"%s\",\"kind\":\"%s\",\"value\":%s,\"at\":\"%s\"}",
                    revision, name, kind, value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value),
                    at);
        }

        private void complain(String what) {
            long now = System.currentTimeMillis();
            if (now - lastComplaint > 60_000) {
                lastComplaint = now;
                System.err.println("sample-app: metrics push to " + uri + " failed: " + what + " (retrying every second)");
            }
        }
    }

    private static final Pattern FIELD = Pattern.compile("\"(errorRate|latencyMs|paymentFailureRate)\"\\s*:\\s*([-0-9.eE+]+)");

    /** GET shows the faults; POST {"errorRate":…,"latencyMs":…,"paymentFailureRate":…} (any subset) changes them. */
    private static void faults(HttpExchange exchange, String version) throws IOException {
        if (exchange.getRequestMethod().equals("POST")) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = FIELD.matcher(body);
            Map<String, Double> changes = new HashMap<>();
            while (m.find()) {
                try {
                    changes.put(m.group(1), Double.parseDouble(m.group(2)));
                } catch (NumberFormatException e) {
                    respond(exchange, 400, version, "{\"detail\":\"" + m.group(1) + " must be a number\"}\n");
                    return;
                }
            }
            if (changes.isEmpty()) {
                respond(exchange, 400, version,
                        "{\"detail\":\"expected a JSON object with errorRate, latencyMs and/or paymentFailureRate\"}\n");
                return;
            }
            for (var e : changes.entrySet()) {
                double v = e.getValue();
                boolean ok = e.getKey().equals("latencyMs") ? v >= 0 && v <= 60_000 && v == Math.rint(v) : v >= 0 && v <= 1;
                if (!ok) {
                    respond(exchange, 400, version, "{\"detail\":\"" + e.getKey() + " out of range: " + v + "\"}\n");
                    return;
                }
            }
            if (changes.containsKey("errorRate")) {
                errorRate = changes.get("errorRate");
                if (!changes.containsKey("paymentFailureRate")) {
                    paymentFailureRate = errorRate;
                }
            }
            if (changes.containsKey("paymentFailureRate")) {
                paymentFailureRate = changes.get("paymentFailureRate");
            }
            if (changes.containsKey("latencyMs")) {
                latencyMs = Math.round(changes.get("latencyMs"));
            }
            System.err.printf(Locale.ROOT, "sample-app %s: faults now error rate %.3f, latency %d ms, payment failures %.3f%n",
                    version, errorRate, latencyMs, paymentFailureRate);
        } else if (!exchange.getRequestMethod().equals("GET")) {
            respond(exchange, 405, version, "{\"detail\":\"GET or POST\"}\n");
            return;
        }
        respond(exchange, 200, version, String.format(Locale.ROOT,
                "{\"errorRate\":%s,\"latencyMs\":%d,\"paymentFailureRate\":%s}\n", errorRate, latencyMs, paymentFailureRate));
    }

    private static void respond(HttpExchange exchange, int status, String version, String body) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody(); OutputStream out = exchange.getResponseBody()) {
            in.transferTo(OutputStream.nullOutputStream()); // drain, so the connection can be kept alive
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type",
                    body.startsWith("{") ? "application/json" : "text/plain; charset=utf-8");
            exchange.getResponseHeaders().set("X-App-Version", version);
            exchange.sendResponseHeaders(status, bytes.length);
            out.write(bytes);
        }
    }

    private static final java.util.Set<String> OPTIONS = java.util.Set.of("host", "port", "version", "error-rate", "latency-ms",
            "threads", "service", "environment", "revision", "metrics-url", "metrics-token", "payment-failure-rate");

    private static Map<String, String> parse(String[] argv) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (a.equals("-h") || a.equals("--help")) {
                usage(null);
            }
            if (!a.startsWith("--")) {
                usage("unexpected argument " + a);
            }
            int eq = a.indexOf('=');
            if (eq > 0) {
                opts.put(a.substring(2, eq), a.substring(eq + 1));
            } else if (i + 1 < argv.length) {
                opts.put(a.substring(2), argv[++i]);
            } else {
                usage(a + " needs a value");
            }
        }
        for (String k : opts.keySet()) {
            if (!OPTIONS.contains(k)) {
                usage("unknown option --" + k);
            }
        }
        return opts;
    }

    private static String opt(Map<String, String> opts, String name, String env, String fallback) {
        String v = opts.get(name);
        if (v == null) {
            v = System.getenv(env);
        }
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    private static double rate(String name, String value) {
        double d = number(name, value);
        if (d < 0 || d > 1) {
            usage("--" + name + " must be between 0 and 1, got " + value);
        }
        return d;
    }

    private static double number(String name, String value) {
        try {
            double d = Double.parseDouble(value);
            if (!name.endsWith("rate") && d != Math.rint(d)) {
                usage("--" + name + " must be a whole number, got " + value);
            }
            return d;
        } catch (NumberFormatException e) {
            usage("--" + name + " must be a number, got " + value);
            return 0;
        }
    }

    private static void usage(String problem) {
        if (problem != null) {
            System.err.println("sample-app: " + problem);
        }
        System.err.println("usage: java demo/sample-app/SampleApp.java [--host 127.0.0.1] [--port 9101] [--version blue]"
                + " [--error-rate 0.0] [--latency-ms 0] [--threads 32] [--service S --environment production"
                + " --revision R --metrics-url URL --metrics-token JWT] [--payment-failure-rate F]"
                + "   (or SAMPLE_HOST, SAMPLE_PORT, ... env)");
        System.exit(problem == null ? 0 : 2);
    }
}
