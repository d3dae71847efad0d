package dev.avalo.contracts.health;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** How many requests the report is based on. */
@RegisterForReflection
public record SampleCounts(long canaryRequests, long stableRequests) {
}
