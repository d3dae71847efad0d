package dev.avalo.contracts.deployment;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

import dev.avalo.contracts.route.DesiredRoute;

/** A registered service in one environment: its stable revision, the desired route and the live deployment. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServiceView(
        String name,
        String environment,
        String stableRevision,
        List<String> upstreams,
        DesiredRoute route,
        String liveDeploymentId,
        Instant createdAt,
        Instant updatedAt) {
}
