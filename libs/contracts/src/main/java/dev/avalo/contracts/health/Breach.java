package dev.avalo.contracts.health;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A rollback rule that fired: what was seen, against what, since when. When the rule judged a proportion (rates, latency
 * quantiles) {@code lower}/{@code upper} are the confidence bounds of {@code observed} (same unit) and {@code samples} the
 * requests or events it rests on; {@code detail} is a sentence explaining the finding. These four are optional.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Breach(String ruleId, String description, double observed, double threshold, Instant since, Double lower,
        Double upper, Long samples, String detail) {

    /** A breach without bounds or detail. */
    public Breach(String ruleId, String description, double observed, double threshold, Instant since) {
        this(ruleId, description, observed, threshold, since, null, null, null, null);
    }
}
