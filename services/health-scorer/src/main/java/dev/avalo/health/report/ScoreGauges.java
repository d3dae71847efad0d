package dev.avalo.health.report;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

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
 * <p>
 * Only the figures are kept, written in place into one small array per service, not the report: a kept report is a graph of
 * some hundred small objects that every young collection copies while it is younger than the report interval, some 10,000 of
 * them at 10,000 live canaries, and storing each new one into a long-lived holder dirtied cards the collection scans
 * ({@code bench/health-scorer/analysis.md}, 2026-11-29 evening).
 */
@ApplicationScoped
public class ScoreGauges {

    /** Slots of a service's figures: score, verdict, breaches, then the components in {@link Components#ALL}'s order. */
    private static final int SCORE = 0;
    private static final int VERDICT = 1;
    private static final int BREACHES = 2;
    private static final int FIRST_COMPONENT = 3;
    private static final List<String> COMPONENTS = Components.ALL;
    private static final long NAN = Double.doubleToRawLongBits(Double.NaN);

    private final MeterRegistry registry;
    /** Environment → service → figures (double bits). */
    private final Map<String, Map<String, AtomicLongArray>> byEnvironment = new ConcurrentHashMap<>();

    public ScoreGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    public void record(HealthReport r) {
        AtomicLongArray f = figures(r.service(), r.environment());
        f.set(SCORE, bits(r.score()));
        f.set(VERDICT, r.verdict() == null ? NAN : Double.doubleToRawLongBits(r.verdict().ordinal()));
        f.set(BREACHES, Double.doubleToRawLongBits(r.breaches().size()));
        for (int k = 0; k < COMPONENTS.size(); k++) {
            ScoreComponent c = r.components() == null ? null : r.components().get(COMPONENTS.get(k));
            f.set(FIRST_COMPONENT + k, bits(c == null ? null : c.score()));
        }
    }

    private AtomicLongArray figures(String service, String environment) {
        Map<String, AtomicLongArray> byService = byEnvironment.get(environment);
        AtomicLongArray f = byService == null ? null : byService.get(service);
        if (f != null) {
            return f;
        }
        return byEnvironment.computeIfAbsent(environment, e -> new ConcurrentHashMap<>()).computeIfAbsent(service,
                s -> register(service, environment));
    }

    private AtomicLongArray register(String service, String environment) {
        AtomicLongArray f = new AtomicLongArray(FIRST_COMPONENT + COMPONENTS.size());
        for (int i = 0; i < f.length(); i++) {
            f.set(i, NAN);
        }
        Tags tags = Tags.of("service", service, "environment", environment);
        Gauge.builder("avalo.health.score", f, x -> read(x, SCORE))
                .description("Health score of the live canary (0-100)").tags(tags).register(registry);
        Gauge.builder("avalo.health.verdict", f, x -> read(x, VERDICT))
                .description("Verdict: 0 PROCEED, 1 CONTINUE, 2 INSUFFICIENT_DATA, 3 PAUSE, 4 ROLLBACK")
                .tags(tags).register(registry);
        Gauge.builder("avalo.health.breaches", f, x -> read(x, BREACHES))
                .description("Rollback rules breached").tags(tags).register(registry);
        for (int k = 0; k < COMPONENTS.size(); k++) {
            int slot = FIRST_COMPONENT + k;
            Gauge.builder("avalo.health.component.score", f, x -> read(x, slot))
                    .description("Score of one health component (0-100)").tags(tags.and("component", COMPONENTS.get(k)))
                    .register(registry);
        }
        return f;
    }

    private static double read(AtomicLongArray f, int slot) {
        return Double.longBitsToDouble(f.get(slot));
    }

    private static long bits(Double v) {
        return v == null ? NAN : Double.doubleToRawLongBits(v);
    }
}
