package dev.avalo.health.source.prometheus;

import java.time.Clock;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;

import dev.avalo.health.config.HealthConfig;
import dev.avalo.health.verdict.HealthEngine;

/**
 * Drives the {@link PrometheusSource} when {@code avalo.health.prometheus.url} is set; otherwise does nothing. Exports
 * {@code avalo_health_source_online{source="prometheus"}}.
 */
@ApplicationScoped
public class PrometheusPoller {

    private final Optional<PrometheusSource> source;
    private final HealthEngine engine;
    private final Clock clock;

    public PrometheusPoller(HealthConfig config, HealthEngine engine, Clock clock, MeterRegistry registry) {
        HealthConfig.Prometheus p = config.prometheus();
        this.source = p.url().map(url -> new PrometheusSource(url, p.queries(), p.timeout()));
        this.engine = engine;
        this.clock = clock;
        source.ifPresent(s -> Gauge.builder("avalo.health.source.online", s, x -> x.online() ? 1 : 0)
                .description("1 while the metrics source answers").tag("source", s.type()).register(registry));
        if (source.isEmpty() && !p.queries().isEmpty()) {
            Log.warn("avalo.health.prometheus.queries are set but avalo.health.prometheus.url is not: Prometheus is off");
        }
    }

    @Scheduled(every = "${avalo.health.prometheus.every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, identity = "prometheus-poll")
    void scheduled() {
        poll();
    }

    /** One poll; returns how many values were fed (0 when the source is off). */
    public int poll() {
        if (source.isEmpty()) {
            return 0;
        }
        PrometheusSource s = source.get();
        int fed = s.poll(engine.liveCanaries(), clock.instant(), engine::addCustom);
        if (!s.online()) {
            Log.warnf("Prometheus poll failed: %s", s.lastError());
        }
        return fed;
    }

    /** The source, when configured. */
    public Optional<PrometheusSource> source() {
        return source;
    }
}
