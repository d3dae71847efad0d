package dev.avalo.contracts.deployment;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Body of {@code POST /api/v1/emergency-stop} and {@code avalo.cmd.emergency-stop}. */
@RegisterForReflection
public record EmergencyStopRequest(String reason) {
}
