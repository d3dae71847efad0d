package dev.avalo.contracts.route;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The desired route of a service in an environment, the value of KV key {@code <service>.<env>} in bucket {@code avalo-routes}.
 * {@code generation} only grows; {@code canaryWeightBasisPoints} is 0–10000 (100 = 1 %); canary is null when the service runs
 * its stable revision only.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DesiredRoute(
        String service,
        String environment,
        long generation,
        RouteTarget stable,
        RouteTarget canary,
        int canaryWeightBasisPoints,
        Stickiness stickiness,
        String reason) {
}
