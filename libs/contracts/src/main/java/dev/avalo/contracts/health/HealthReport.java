package dev.avalo.contracts.health;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A health report on {@code avalo.evt.health.<service>.<env>}. {@code components} is keyed {@code errorRate}, {@code latency},
 * {@code throughput}, {@code resource}, {@code userImpact}.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HealthReport(
        String service,
        String environment,
        String revision,
        String deploymentId,
        Instant at,
        Double score,
        Map<String, ScoreComponent> components,
        Verdict verdict,
        List<Breach> breaches,
        List<GateResult> gates,
        SampleCounts samples) {

    public HealthReport {
        breaches = breaches == null ? List.of() : List.copyOf(breaches);
        gates = gates == null ? List.of() : List.copyOf(gates);
    }
}
