package dev.avalo.health.report;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import dev.avalo.contracts.health.HealthReport;
import dev.avalo.contracts.health.ScoreComponent;
import dev.avalo.health.score.Components;

/**
 * Micrometer gauges per service and environment: {@code avalo_health_score}, {@code avalo_health_component_score} (tag
 * {@code component}), {@code avalo_health_verdict} (0 PROCEED … 4 ROLLBACK) and {@code avalo_health_breaches}. NaN while
 * unknown.
 */
@ApplicationScoped
public class ScoreGauges {

    private final MeterRegistry registry;
    private final Map<String, AtomicReference<HealthReport>> latest = new ConcurrentHashMap<>();

    public ScoreGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    public void record(HealthReport r) {
        String key = r.service() + "." + r.environment();
        latest.computeIfAbsent(key, k -> register(r.service(), r.environment())).set(r);
    }

    private AtomicReference<HealthReport> register(String service, String environment) {
        AtomicReference<HealthReport> ref = new AtomicReference<>();
        Tags tags = Tags.of("service", service, "environment", environment);
        Gauge.builder("avalo.health.score", ref, x -> value(x.get() == null ? null : x.get().score()))
                .description("Health score of the live canary (0-100)").tags(tags).register(registry);
        Gauge.builder("avalo.health.verdict", ref, x -> x.get() == null || x.get().verdict() == null
                ? Double.NaN
                : x.get().verdict().ordinal())
                .description("Verdict: 0 PROCEED, 1 CONTINUE, 2 INSUFFICIENT_DATA, 3 PAUSE, 4 ROLLBACK")
                .tags(tags).register(registry);
        Gauge.builder("avalo.health.breaches", ref, x -> x.get() == null ? Double.NaN : x.get().breaches().size())
                .description("Rollback rules breached").tags(tags).register(registry);
        for (String c : List.of(Components.ALL.toArray(String[]::new))) {
            Gauge.builder("avalo.health.component.score", ref, x -> component(x.get(), c))
                    .description("Score of one health component (0-100)").tags(tags.and("component", c))
                    .register(registry);
        }
        return ref;
    }

    private static double component(HealthReport r, String name) {
        if (r == null || r.components() == null) {
            return Double.NaN;
        }
        ScoreComponent c = r.components().get(name);
        return c == null ? Double.NaN : value(c.score());
    }

    private static double value(Double v) {
        return v == null ? Double.NaN : v;
    }
}
