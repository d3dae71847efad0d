package dev.avalo.contracts.health;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A stage gate's result; {@code status} is {@code PASS}, {@code FAIL} or {@code UNKNOWN}. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GateResult(String gate, String status, Double observed) {
}
