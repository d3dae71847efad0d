package dev.avalo.contracts.deployment;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The stage a deployment is in. {@code gates} are the health gates that must pass before it may leave this stage (its own and
 * every earlier stage's, as the deployment's strategy lists them); empty when the sender does not know them (older senders
 * leave the field out).
 */
@RegisterForReflection
public record StageView(int index, String name, int weightBasisPoints, Instant startedAt, long minDurationSeconds,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> gates) {

    public StageView {
        gates = gates == null ? List.of() : List.copyOf(gates);
    }

    public StageView(int index, String name, int weightBasisPoints, Instant startedAt, long minDurationSeconds) {
        this(index, name, weightBasisPoints, startedAt, minDurationSeconds, List.of());
    }
}
