package dev.avalo.contracts.deployment;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A revision in a service's history; {@code status} is {@code stable}, {@code previous}, {@code archived}, … */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RevisionView(String revision, List<String> upstreams, String status, String deploymentId,
        Instant firstSeenAt, Instant stableSince, Instant archivedAt) {
}
