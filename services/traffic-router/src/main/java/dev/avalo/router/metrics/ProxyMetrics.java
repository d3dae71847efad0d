package dev.avalo.router.metrics;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * The registry of per-(service, revision, role) figures. The proxy asks for a {@link RevisionMetrics} when it compiles a route
 * (not per request) and records on it without locks; {@link MetricsSampler} reads the intervals. Each one is also bound to
 * Micrometer, read from the same counters (nothing Micrometer does runs per request): counters {@code avalo.router.requests},
 * {@code avalo.router.errors} and {@code avalo.router.responses} (by {@code status} class), function timer
 * {@code avalo.router.latency} (count and total), gauges {@code avalo.router.in.flight} and
 * {@code avalo.router.latency.last.p50} / {@code .p99} (the last per-second sample's, in seconds), tagged {@code service},
 * {@code revision}, {@code role}.
 */
public final class ProxyMetrics {

    private final int slots;
    private final MeterRegistry registry;
    private final ConcurrentHashMap<Key, RevisionMetrics> metrics = new ConcurrentHashMap<>();

    /**
     * @param slots
     *            how many event loops record (each passes its slot 0…slots-1)
     * @param registry
     *            Micrometer registry, or null for none
     */
    public ProxyMetrics(int slots, MeterRegistry registry) {
        this.slots = slots;
        this.registry = registry;
    }

    public int slots() {
        return slots;
    }

    /** The figures of (service, revision, role), created on first use; never removed. */
    public RevisionMetrics of(String service, String revision, String role) {
        return metrics.computeIfAbsent(new Key(service, revision, role), this::create);
    }

    /** Every (service, revision, role) seen so far. */
    public Collection<RevisionMetrics> all() {
        return metrics.values();
    }

    private RevisionMetrics create(Key key) {
        Tags tags = Tags.of("service", key.service, "revision", key.revision, "role", key.role);
        RevisionMetrics m = new RevisionMetrics(key.service, key.revision, key.role, slots);
        if (registry != null) {
            FunctionTimer.builder("avalo.router.latency", m, RevisionMetrics::totalRequests,
                    RevisionMetrics::totalLatencyMicros, TimeUnit.MICROSECONDS)
                    .description("Proxied request latency, until the response ended").tags(tags).register(registry);
            Gauge.builder("avalo.router.latency.last.p50", m, RevisionMetrics::lastP50Seconds)
                    .description("Median latency of the last per-second sample").baseUnit("seconds").tags(tags)
                    .register(registry);
            Gauge.builder("avalo.router.latency.last.p99", m, RevisionMetrics::lastP99Seconds)
                    .description("99th percentile latency of the last per-second sample").baseUnit("seconds").tags(tags)
                    .register(registry);
            FunctionCounter.builder("avalo.router.requests", m, RevisionMetrics::totalRequests)
                    .description("Requests proxied").tags(tags).register(registry);
            FunctionCounter.builder("avalo.router.errors", m, RevisionMetrics::totalErrors)
                    .description("5xx responses and proxy failures").tags(tags).register(registry);
            Gauge.builder("avalo.router.in.flight", m, RevisionMetrics::inFlight).description("Requests in flight")
                    .tags(tags).register(registry);
            for (String cls : new String[]{"2xx", "3xx", "4xx", "5xx"}) {
                FunctionCounter.builder("avalo.router.responses", m, x -> x.statusCount(cls))
                        .description("Responses by status class").tags(tags.and("status", cls)).register(registry);
            }
        }
        return m;
    }

    private record Key(String service, String revision, String role) {
    }
}
