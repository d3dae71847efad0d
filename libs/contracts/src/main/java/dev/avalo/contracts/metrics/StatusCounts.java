package dev.avalo.contracts.metrics;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Responses by HTTP status class within one sample window. */
@RegisterForReflection
public record StatusCounts(
        @JsonProperty("2xx") long s2xx,
        @JsonProperty("3xx") long s3xx,
        @JsonProperty("4xx") long s4xx,
        @JsonProperty("5xx") long s5xx) {
}
