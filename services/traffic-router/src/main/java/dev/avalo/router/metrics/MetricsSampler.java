package dev.avalo.router.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;

import dev.avalo.contracts.Json;
import dev.avalo.contracts.metrics.RouterMetricsSample;
import dev.avalo.contracts.metrics.StatusCounts;
import dev.avalo.router.backend.embedded.EmbeddedBackend;
import dev.avalo.router.config.RouterConfig;
import dev.avalo.router.control.RouterIdentity;
import dev.avalo.router.nats.RouterNats;
import dev.avalo.router.route.CompiledRoute;
import dev.avalo.router.route.RouteTable;
import dev.avalo.router.route.StickyHash;

/**
 * Every second, publishes one {@link RouterMetricsSample} per (service, revision) on {@code avalo.metrics.<service>.<env>}: the
 * interval's counts, its latency histogram (compressed HdrHistogram V2, base64) and its distinct users (HLL). A revision that
 * is part of a live route gets a sample even in a second without traffic, so "no traffic" differs from "no router". Samples are
 * dropped while NATS is disconnected (worthless late).
 * <p>
 * The embedded data plane runs {@link #tick()} every {@link #PERIOD} on its first event loop ({@code ProxyServer}; there are no
 * samples without it: an external backend carries the traffic and the router sees none). It runs between the loop's I/O
 * batches, so every request on that loop waits for it, and it is kept cheap: idle revisions cost no histogram or sketch work
 * ({@link RevisionMetrics#interval()}) and no deflate (the encoder keeps the text of an empty histogram), and the histograms
 * are encoded with one reused zlib deflater ({@link CompressedHistogramEncoder}, the same bytes as HdrHistogram's own
 * encoding). And its code is compiled before the data plane listens ({@link #warmUp}): called once a second, it would otherwise
 * run interpreted for minutes (1–5 ms a tick against ~0.1 ms compiled, measured by {@code MetricsSamplerCost}) and have the JIT
 * compile it on that core under load.
 */
@ApplicationScoped
public class MetricsSampler {

    /** How often the data plane samples: one window, one sample per revision. */
    public static final Duration PERIOD = Duration.ofSeconds(1);

    private final ProxyMetrics metrics;
    private final RouterNats nats;
    private final RouteTable table;
    private final Clock clock;
    private final String routerId;
    private final String environment;
    /** Warm-up samples at start-up: none without the embedded data plane. */
    private final int warmUpTicks;
    private Instant windowStart;
    private final CompressedHistogramEncoder encoder = new CompressedHistogramEncoder();
    /**
     * Times each warm-up sample is serialised. Jackson's code for a sample is straight-line, compiled by call counts (C2 after
     * some 5,000 calls), and two samples a tick were too few: JFR showed C2 compiling the {@code Instant} formatting of
     * {@code windowStart} for 595 ms in the benchmark's third timed round, on the data plane's core. Serialising costs a few µs
     * once compiled, so 16,000 calls add some 50 ms to the warm-up.
     */
    private static final int SERIALISATIONS = 4;
    private boolean closed;

    public MetricsSampler(ProxyMetrics metrics, RouterNats nats, RouteTable table, RouterConfig config, Clock clock) {
        this.metrics = metrics;
        this.nats = nats;
        this.table = table;
        this.clock = clock;
        this.routerId = RouterIdentity.resolve(config.id());
        this.environment = config.environment();
        this.warmUpTicks = EmbeddedBackend.TYPE.equals(config.backend()) ? config.metrics().warmUpTicks() : 0;
        this.windowStart = clock.instant();
    }

    /** Before the data plane listens ({@code ProxyServer} starts it at the default priority, after this). */
    void onStart(@Observes @Priority(1000) StartupEvent event) {
        if (warmUpTicks > 0) {
            long started = System.nanoTime();
            warmUp(warmUpTicks);
            Log.infof("metrics sample code warmed up in %d ms", (System.nanoTime() - started) / 1_000_000);
        }
    }

    /**
     * Runs the sample's code {@code ticks} times on made-up traffic and publishes nothing: a stable and a canary revision of
     * its own (not in the registry, so in no Micrometer meter and no sample), as many event-loop slots as the proxy has, and
     * requests of 5,000 users split 90/10. Every other busy tick has 800 requests, some 600 distinct users on the stable, past
     * the 384 at which a sketch of lgK 12 leaves its exact modes for the HLL one, as under load; the others have 100, few
     * users, as on a canary at 1 %. Every fifth tick is idle: an idle revision's path differs, and without it the JIT would
     * compile the busy path alone and recompile at the first idle second, under load. Each interval is encoded, and serialised
     * as a sample {@link #SERIALISATIONS} times.
     */
    synchronized void warmUp(int ticks) {
        if (closed) {
            return;
        }
        int slots = metrics.slots();
        RevisionMetrics stable = new RevisionMetrics("warm-up", "warm-up-v1", "stable", slots);
        RevisionMetrics canary = new RevisionMetrics("warm-up", "warm-up-v2", "canary", slots);
        long[] users = new long[5_000];
        for (int i = 0; i < users.length; i++) {
            users[i] = StickyHash.hash("warm-up-user-" + i);
        }
        SplittableRandom random = new SplittableRandom(42);
        Instant start = clock.instant();
        for (int t = 0; t < ticks; t++) {
            int requests = t % 5 == 4 ? 0 : t % 2 == 0 ? 800 : 100;
            for (int r = 0; r < requests; r++) {
                RevisionMetrics m = r % 10 == 9 ? canary : stable;
                int slot = r % slots;
                // 0.3–2.3 ms mostly, one in 64 10–75 ms; one in 256 a 503, one in 32 a 404; one in 8 without a user
                long micros = random.nextInt(64) == 0 ? 10_000 + random.nextInt(65_000) : 300 + random.nextInt(2_000);
                int pick = random.nextInt(256);
                int status = pick == 0 ? 503 : pick % 32 == 1 ? 404 : 200;
                m.started(slot);
                m.completed(slot, status, micros, false, random.nextInt(8) != 0, users[random.nextInt(users.length)]);
            }
            RouterMetricsSample[] samples = {sample(stable, stable.interval(), start, 1_000),
                    sample(canary, canary.interval(), start, 1_000)};
            for (RouterMetricsSample sample : samples) {
                for (int k = 0; k < SERIALISATIONS; k++) {
                    Json.encode(sample);
                }
            }
        }
    }

    /** Closes the current window: publishes its samples and starts the next one. */
    public synchronized void tick() {
        if (closed) {
            return;
        }
        Instant now = clock.instant();
        Instant start = windowStart;
        windowStart = now;
        long windowMillis = Math.max(0, now.toEpochMilli() - start.toEpochMilli());
        for (RevisionMetrics m : metrics.all()) {
            RevisionMetrics.Interval iv = m.interval();
            if (iv.requests() == 0 && iv.inFlight() == 0 && !isLive(m)) {
                continue;
            }
            RouterMetricsSample sample = sample(m, iv, start, windowMillis);
            try {
                nats.publish(nats.subjects().metrics(m.service(), environment), Json.encode(sample));
            } catch (RuntimeException e) {
                Log.warnf("metrics sample for %s/%s not published: %s", m.service(), m.revision(), e.getMessage());
            }
        }
    }

    private RouterMetricsSample sample(RevisionMetrics m, RevisionMetrics.Interval iv, Instant start, long windowMillis) {
        return new RouterMetricsSample(routerId, m.service(), environment, m.revision(), m.role(), start, windowMillis,
                iv.requests(), iv.errors(), new StatusCounts(iv.s2xx(), iv.s3xx(), iv.s4xx(), iv.s5xx()),
                encoder.encodeBase64(iv.latency()), iv.inFlight(), iv.users());
    }

    private boolean isLive(RevisionMetrics m) {
        CompiledRoute route = table.get(m.service());
        if (route == null) {
            return false;
        }
        return route.stable().revision().equals(m.revision()) && route.stable().role().equals(m.role())
                || route.canary() != null && route.canary().revision().equals(m.revision())
                        && route.canary().role().equals(m.role());
    }

    /** Frees the encoder's native zlib state; later ticks do nothing. */
    @PreDestroy
    synchronized void close() {
        closed = true;
        encoder.close();
    }
}
