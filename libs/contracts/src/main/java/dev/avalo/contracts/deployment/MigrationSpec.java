package dev.avalo.contracts.deployment;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A database migration shipped with a deployment; {@code phase} is {@code expand} or {@code contract}. */
@RegisterForReflection
public record MigrationSpec(String phase, String sql) {
}
