package dev.avalo.contracts.deployment;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

import dev.avalo.contracts.health.HealthReport;

/**
 * A deployment as REST responses, command replies and event data show it. {@code state} is a {@code DeploymentPhase} name;
 * {@code rollbackMillis} is the time from rollback decision to the router's ack.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeploymentView(
        String id,
        String service,
        String environment,
        String fromRevision,
        String toRevision,
        String state,
        StageView stage,
        HealthReport health,
        String strategy,
        boolean rollbackSafe,
        Long rollbackMillis,
        String createdBy,
        Instant createdAt,
        Instant updatedAt) {
}
