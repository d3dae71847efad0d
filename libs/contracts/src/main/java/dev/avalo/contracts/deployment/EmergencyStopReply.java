package dev.avalo.contracts.deployment;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The deployments an emergency stop halted and reverted. */
@RegisterForReflection
public record EmergencyStopReply(String reason, List<DeploymentView> stopped) {
}
