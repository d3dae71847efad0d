package dev.avalo.contracts.deployment;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The {@code data} of a deployment CloudEvent: the deployment summary and the cause. */
@RegisterForReflection
public record DeploymentEventData(DeploymentView deployment, Cause cause) {
}
