package dev.avalo.health.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.avalo.contracts.health.Breach;
import dev.avalo.contracts.health.HealthReport;
import dev.avalo.contracts.health.ScoreComponent;
import dev.avalo.contracts.health.Verdict;
import dev.avalo.health.score.Components;

class ScoreGaugesTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ScoreGauges gauges = new ScoreGauges(registry);

    private static HealthReport report(String service, Double score, Verdict verdict, int breaches, Double errorRateScore) {
        Map<String, ScoreComponent> components = new HashMap<>();
        components.put(Components.ERROR_RATE, new ScoreComponent(0.01, errorRateScore, 0.3));
        components.put(Components.LATENCY, new ScoreComponent(null, null, 0.25));
        List<Breach> b = java.util.stream.IntStream.range(0, breaches)
                .mapToObj(k -> new Breach("rule-" + k, "breached", 1.0, 0.5, Instant.EPOCH)).toList();
        return new HealthReport(service, "production", "v2", "d-1", Instant.EPOCH, score, components, verdict, b, null, null);
    }

    private double gauge(String name, String service, String... tags) {
        return registry.get(name).tag("service", service).tag("environment", "production").tags(tags).gauge().value();
    }

    @Test
    void theGaugesShowTheLatestReportsFiguresPerService() {
        gauges.record(report("chat-api", 93.5, Verdict.PROCEED, 0, 100.0));
        gauges.record(report("payments", 41.0, Verdict.ROLLBACK, 2, 12.5));

        assertThat(gauge("avalo.health.score", "chat-api")).isEqualTo(93.5);
        assertThat(gauge("avalo.health.verdict", "chat-api")).isEqualTo(Verdict.PROCEED.ordinal());
        assertThat(gauge("avalo.health.breaches", "chat-api")).isZero();
        assertThat(gauge("avalo.health.component.score", "chat-api", "component", Components.ERROR_RATE)).isEqualTo(100.0);
        assertThat(gauge("avalo.health.score", "payments")).isEqualTo(41.0);
        assertThat(gauge("avalo.health.verdict", "payments")).isEqualTo(Verdict.ROLLBACK.ordinal());
        assertThat(gauge("avalo.health.breaches", "payments")).isEqualTo(2.0);
        assertThat(gauge("avalo.health.component.score", "payments", "component", Components.ERROR_RATE)).isEqualTo(12.5);

        // the next report replaces every figure
        gauges.record(report("chat-api", 72.0, Verdict.PAUSE, 1, 60.0));
        assertThat(gauge("avalo.health.score", "chat-api")).isEqualTo(72.0);
        assertThat(gauge("avalo.health.verdict", "chat-api")).isEqualTo(Verdict.PAUSE.ordinal());
        assertThat(gauge("avalo.health.breaches", "chat-api")).isEqualTo(1.0);
        assertThat(gauge("avalo.health.component.score", "chat-api", "component", Components.ERROR_RATE)).isEqualTo(60.0);
        assertThat(gauge("avalo.health.score", "payments")).isEqualTo(41.0);
    }

    @Test
    void whatIsNotKnownIsNaN() {
        gauges.record(report("chat-api", 93.5, Verdict.PROCEED, 0, 100.0));
        gauges.record(report("chat-api", null, null, 0, null));

        assertThat(gauge("avalo.health.score", "chat-api")).isNaN();
        assertThat(gauge("avalo.health.verdict", "chat-api")).isNaN();
        assertThat(gauge("avalo.health.component.score", "chat-api", "component", Components.ERROR_RATE)).isNaN();
        // a component without data, and one the report does not carry
        assertThat(gauge("avalo.health.component.score", "chat-api", "component", Components.LATENCY)).isNaN();
        assertThat(gauge("avalo.health.component.score", "chat-api", "component", Components.USER_IMPACT)).isNaN();
        assertThat(registry.find("avalo.health.score").gauges()).hasSize(1);
    }
}
