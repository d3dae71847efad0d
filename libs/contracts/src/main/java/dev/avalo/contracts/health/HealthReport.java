package dev.avalo.contracts.health;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A health report on {@code avalo.evt.health.<service>.<env>}. {@code components} is keyed {@code errorRate}, {@code latency},
 * {@code throughput}, {@code resource}, {@code userImpact}; a component without data has a null value and score. Optional
 * {@code confidence} names the confidence bound rates and gates were judged with (e.g. {@code "Wilson 95%"}); optional
 * {@code reasons} are sentences explaining the verdict.
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
        SampleCounts samples,
        String confidence,
        List<String> reasons) {

    /** A report without the reasons. */
    public HealthReport(String service, String environment, String revision, String deploymentId, Instant at, Double score,
            Map<String, ScoreComponent> components, Verdict verdict, List<Breach> breaches, List<GateResult> gates,
            SampleCounts samples, String confidence) {
        this(service, environment, revision, deploymentId, at, score, components, verdict, breaches, gates, samples,
                confidence, null);
    }

    /** A report without the confidence note. */
    public HealthReport(String service, String environment, String revision, String deploymentId, Instant at, Double score,
            Map<String, ScoreComponent> components, Verdict verdict, List<Breach> breaches, List<GateResult> gates,
            SampleCounts samples) {
        this(service, environment, revision, deploymentId, at, score, components, verdict, breaches, gates, samples, null,
                null);
    }

    public HealthReport {
        breaches = breaches == null ? List.of() : List.copyOf(breaches);
        gates = gates == null ? List.of() : List.copyOf(gates);
        reasons = reasons == null ? null : List.copyOf(reasons);
    }
}
