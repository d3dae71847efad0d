package dev.avalo.contracts.deployment;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Why a deployment event happened: the actor ({@code system} for automatic ones), a kind and a sentence. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Cause(String actor, String kind, String reason) {
}
