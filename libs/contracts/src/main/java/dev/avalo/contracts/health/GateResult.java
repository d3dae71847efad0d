package dev.avalo.contracts.health;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A stage gate's result; {@code status} is {@code PASS}, {@code FAIL} or {@code UNKNOWN} (never a pass). Optional:
 * {@code lower}/{@code upper}, the confidence bounds of {@code observed}, {@code samples} it rests on, and {@code detail}, a
 * sentence.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GateResult(String gate, String status, Double observed, Double lower, Double upper, Long samples,
        String detail) {

    /** A result without bounds or detail. */
    public GateResult(String gate, String status, Double observed) {
        this(gate, status, observed, null, null, null, null);
    }
}
