package dev.avalo.contracts.health;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** One weighted component of the health score; value null when the component had no data. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScoreComponent(Double value, Double score, double weight) {
}
