package dev.avalo.contracts.health;

import java.time.Instant;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A rollback rule that fired: what was seen, against what, since when. */
@RegisterForReflection
public record Breach(String ruleId, String description, double observed, double threshold, Instant since) {
}
