package dev.avalo.contracts.deployment;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

import dev.avalo.contracts.schedule.Emergency;

/**
 * Body of {@code POST /api/v1/deployments} and of {@code avalo.cmd.deploy.start}. {@code checklist} attests the strategy's
 * pre-deployment items: item id → evidence (a CI run, a ticket, a name).
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StartDeploymentRequest(
        String service,
        String environment,
        String revision,
        List<String> upstreams,
        String strategy,
        MigrationSpec migration,
        Emergency emergency,
        Map<String, String> checklist) {
}
