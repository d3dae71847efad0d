package dev.avalo.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Traffic through the router's data plane for one service: a paced loop on a few threads at a target rate, each request with a
 * {@code X-User-Id} drawn from a large pool of distinct users, counted by the revision that answered ({@code X-Avalo-Revision})
 * and by status.
 */
final class Load implements AutoCloseable {

    static {
        // the router picks the service by Host; the JDK client only sends a custom Host with this set
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    /** Counts of one revision. */
    static final class Counts {
        final LongAdder requests = new LongAdder();
        final LongAdder ok = new LongAdder();
        final LongAdder errors = new LongAdder();
        final AtomicLong lastAnswerNanos = new AtomicLong();

        @Override
        public String toString() {
            return requests.sum() + " requests, " + ok.sum() + " 2xx, " + errors.sum() + " errors";
        }
    }

    private final String proxy;
    private final String host;
    private final int users;
    private final Map<String, Counts> byRevision = new ConcurrentHashMap<>();
    private final LongAdder failures = new LongAdder();
    private final AtomicLong lastFailure = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private volatile String lastFailureText = "";

    private Load(String proxy, String host, int users) {
        this.proxy = proxy;
        this.host = host;
        this.users = users;
    }

    /** Starts {@code rps} requests a second for {@code host} on {@code threads} threads (each paced to its share). */
    static Load start(String proxyUrl, String host, int rps, int threads) {
        Load load = new Load(proxyUrl, host, 20_000);
        long intervalNanos = 1_000_000_000L * threads / rps;
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> load.loop(intervalNanos), "load-" + host + "-" + t);
            thread.setDaemon(true);
            load.threads.add(thread);
            thread.start();
        }
        return load;
    }

    private void loop(long intervalNanos) {
        long next = System.nanoTime() + ThreadLocalRandom.current().nextLong(intervalNanos);
        while (running.get()) {
            long now = System.nanoTime();
            if (now < next) {
                // pacing the request rate, not waiting for an outcome
                java.util.concurrent.locks.LockSupport.parkNanos(next - now);
                continue;
            }
            next = Math.max(next + intervalNanos, now - 5 * intervalNanos);
            once("user-" + ThreadLocalRandom.current().nextInt(users));
        }
    }

    /** One request as {@code user}; returns the answering revision (null on a transport failure). */
    String once(String user) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(proxy + "/checkout")).header("Host", host)
                .header("X-User-Id", user).timeout(Duration.ofSeconds(10)).GET().build();
        try {
            HttpResponse<Void> response = HTTP.send(request, HttpResponse.BodyHandlers.discarding());
            String revision = response.headers().firstValue("X-Avalo-Revision").orElse("(none)");
            Counts counts = byRevision.computeIfAbsent(revision, r -> new Counts());
            counts.requests.increment();
            if (response.statusCode() < 400) {
                counts.ok.increment();
            } else {
                counts.errors.increment();
            }
            counts.lastAnswerNanos.set(System.nanoTime());
            return revision;
        } catch (IOException | RuntimeException e) {
            failures.increment();
            lastFailure.set(System.nanoTime());
            lastFailureText = e.toString();
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    Counts counts(String revision) {
        return byRevision.computeIfAbsent(revision, r -> new Counts());
    }

    long failures() {
        return failures.sum();
    }

    long total() {
        return byRevision.values().stream().mapToLong(c -> c.requests.sum()).sum();
    }

    /** Nanos of the last answer by {@code revision}, 0 if none. */
    long lastAnswerNanos(String revision) {
        Counts c = byRevision.get(revision);
        return c == null ? 0 : c.lastAnswerNanos.get();
    }

    @Override
    public String toString() {
        return "load on " + host + ": " + new TreeMap<>(byRevision) + ", " + failures.sum() + " transport failures"
                + (failures.sum() > 0 ? " (last: " + lastFailureText + ")" : "");
    }

    @Override
    public void close() {
        running.set(false);
        for (Thread t : threads) {
            try {
                t.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
