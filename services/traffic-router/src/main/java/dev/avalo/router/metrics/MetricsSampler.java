package dev.avalo.router.metrics;

import java.time.Clock;
import java.time.Instant;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;

import dev.avalo.contracts.Json;
import dev.avalo.contracts.metrics.RouterMetricsSample;
import dev.avalo.contracts.metrics.StatusCounts;
import dev.avalo.router.config.RouterConfig;
import dev.avalo.router.control.RouterIdentity;
import dev.avalo.router.nats.RouterNats;
import dev.avalo.router.route.CompiledRoute;
import dev.avalo.router.route.RouteTable;

/**
 * Every second, publishes one {@link RouterMetricsSample} per (service, revision) on {@code avalo.metrics.<service>.<env>}: the
 * interval's counts, its latency histogram (compressed HdrHistogram V2, base64) and its distinct users (HLL). A revision that
 * is part of a live route gets a sample even in a second without traffic, so "no traffic" differs from "no router". Samples are
 * dropped while NATS is disconnected (worthless late).
 * <p>
 * The sample runs on a scheduler thread, which on a proxy pinned to one core pre-empts the data plane, so it is kept cheap:
 * idle revisions cost no histogram or sketch work ({@link RevisionMetrics#interval()}) and no deflate (the encoder keeps the
 * text of an empty histogram), and the histograms are encoded with one reused zlib deflater
 * ({@link CompressedHistogramEncoder}, the same bytes as HdrHistogram's own encoding).
 */
@ApplicationScoped
public class MetricsSampler {

    private final ProxyMetrics metrics;
    private final RouterNats nats;
    private final RouteTable table;
    private final Clock clock;
    private final String routerId;
    private final String environment;
    private Instant windowStart;
    private final CompressedHistogramEncoder encoder = new CompressedHistogramEncoder();
    private boolean closed;

    public MetricsSampler(ProxyMetrics metrics, RouterNats nats, RouteTable table, RouterConfig config, Clock clock) {
        this.metrics = metrics;
        this.nats = nats;
        this.table = table;
        this.clock = clock;
        this.routerId = RouterIdentity.resolve(config.id());
        this.environment = config.environment();
        this.windowStart = clock.instant();
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        tick();
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
            RouterMetricsSample sample = new RouterMetricsSample(routerId, m.service(), environment, m.revision(),
                    m.role(), start, windowMillis, iv.requests(), iv.errors(),
                    new StatusCounts(iv.s2xx(), iv.s3xx(), iv.s4xx(), iv.s5xx()), encoder.encodeBase64(iv.latency()),
                    iv.inFlight(),
                    iv.users());
            try {
                nats.publish(nats.subjects().metrics(m.service(), environment), Json.encode(sample));
            } catch (RuntimeException e) {
                Log.warnf("metrics sample for %s/%s not published: %s", m.service(), m.revision(), e.getMessage());
            }
        }
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
