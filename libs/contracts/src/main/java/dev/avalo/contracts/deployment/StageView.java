package dev.avalo.contracts.deployment;

import java.time.Instant;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The stage a deployment is in. */
@RegisterForReflection
public record StageView(int index, String name, int weightBasisPoints, Instant startedAt, long minDurationSeconds) {
}
