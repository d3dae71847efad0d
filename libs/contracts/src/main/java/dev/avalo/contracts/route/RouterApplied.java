package dev.avalo.contracts.route;

import java.time.Instant;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A router's ack on {@code avalo.evt.router.applied.<service>.<env>}: it now serves {@code generation}. */
@RegisterForReflection
public record RouterApplied(String routerId, long generation, Instant appliedAt) {
}
