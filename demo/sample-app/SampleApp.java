import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The demo's upstream: one revision of a service, with fault injection. Dependency-free, run with the JDK's source launcher:
 *
 * <pre>
 * java demo/sample-app/SampleApp.java --port 9101 --version blue
 * java demo/sample-app/SampleApp.java --port 9102 --version green --error-rate 0.05 --latency-ms 200
 * </pre>
 *
 * Every option also reads an environment variable (the flag wins):
 *
 * <pre>
 * --host        SAMPLE_HOST         127.0.0.1  address to listen on
 * --port        SAMPLE_PORT         9101       port
 * --version     SAMPLE_VERSION      blue       version string in every body and in the X-App-Version header
 * --error-rate  SAMPLE_ERROR_RATE   0          fraction of requests answered 503 (0.0–1.0)
 * --latency-ms  SAMPLE_LATENCY_MS   0          added before every answer (fault requests too)
 * --threads     SAMPLE_THREADS      32         worker pool size (Java 17: no virtual threads, a fixed pool)
 * </pre>
 *
 * Any path answers {@code 200 version=<version> path=<path>} (text/plain), or with probability {@code error-rate}
 * {@code 503 version=<version> error=injected}. {@code GET /healthz} always answers 200 without faults or latency, for start
 * scripts and probes. SIGTERM (or Ctrl-C) stops it after at most one second of draining.
 */
public final class SampleApp {

    public static void main(String[] argv) throws IOException {
        // without TCP_NODELAY, the separate writes of headers and body wait for the client's delayed ACK (~40 ms a request)
        System.setProperty("sun.net.httpserver.nodelay", "true");
        Map<String, String> opts = parse(argv);
        String host = opt(opts, "host", "SAMPLE_HOST", "127.0.0.1");
        int port = (int) number("port", opt(opts, "port", "SAMPLE_PORT", "9101"));
        String version = opt(opts, "version", "SAMPLE_VERSION", "blue");
        double errorRate = number("error-rate", opt(opts, "error-rate", "SAMPLE_ERROR_RATE", "0"));
        long latencyMs = (long) number("latency-ms", opt(opts, "latency-ms", "SAMPLE_LATENCY_MS", "0"));
        int threads = (int) number("threads", opt(opts, "threads", "SAMPLE_THREADS", "32"));
        if (errorRate < 0 || errorRate > 1) {
            usage("--error-rate must be between 0 and 1, got " + errorRate);
        }
        if (latencyMs < 0 || threads < 1 || port < 0 || port > 65535) {
            usage("--latency-ms must be >= 0, --threads >= 1, --port 0–65535");
        }
        if (version.isBlank() || !version.chars().allMatch(c -> c > 32 && c < 127)) {
            usage("--version must be printable ASCII without spaces (it goes into a header)");
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
        server.createContext("/", exchange -> {
            if (latencyMs > 0) {
                try {
                    Thread.sleep(latencyMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            served.incrementAndGet();
            if (errorRate > 0 && ThreadLocalRandom.current().nextDouble() < errorRate) {
                faults.incrementAndGet();
                respond(exchange, 503, version, "version=" + version + " error=injected\n");
            } else {
                respond(exchange, 200, version, "version=" + version + " path=" + exchange.getRequestURI().getPath() + "\n");
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(1);
            pool.shutdownNow();
            System.err.printf(Locale.ROOT, "sample-app %s: stopped after %d requests (%d injected errors)%n", version,
                    served.get(), faults.get());
        }, "sample-app-stop"));
        server.start();
        System.err.printf(Locale.ROOT,
                "sample-app %s: listening on http://%s:%d (error rate %.3f, added latency %d ms, %d threads)%n",
                version, host, server.getAddress().getPort(), errorRate, latencyMs, threads);
    }

    private static void respond(HttpExchange exchange, int status, String version, String body) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody(); OutputStream out = exchange.getResponseBody()) {
            in.transferTo(OutputStream.nullOutputStream()); // drain, so the connection can be kept alive
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.getResponseHeaders().set("X-App-Version", version);
            exchange.sendResponseHeaders(status, bytes.length);
            out.write(bytes);
        }
    }

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
            if (!java.util.Set.of("host", "port", "version", "error-rate", "latency-ms", "threads").contains(k)) {
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

    private static double number(String name, String value) {
        try {
            double d = Double.parseDouble(value);
            if (!name.equals("error-rate") && d != Math.rint(d)) {
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
                + " [--error-rate 0.0] [--latency-ms 0] [--threads 32]   (or SAMPLE_HOST, SAMPLE_PORT, ... env)");
        System.exit(problem == null ? 0 : 2);
    }
}
