package dev.avalo.contracts.schedule;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** An emergency override: who approved it and why. */
@RegisterForReflection
public record Emergency(String reason, String approvedBy) {
}
