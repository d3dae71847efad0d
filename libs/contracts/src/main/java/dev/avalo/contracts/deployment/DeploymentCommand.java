package dev.avalo.contracts.deployment;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Body of {@code avalo.cmd.deploy.<action>} for an existing deployment: the REST body plus its id. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeploymentCommand(String deploymentId, String mode, String revision, String reason, Boolean force) {
}
