package dev.avalo.health.score;

import java.util.List;
import java.util.Map;

import dev.avalo.contracts.health.Verdict;

/**
 * A computed score: the point score and the scores at the pessimistic and optimistic ends of the error-rate and latency
 * confidence intervals, the components (missing ones listed, never silently 100) and the band verdict.
 *
 * @param score
 *            the point score, null when a required component (error rate, latency) is missing
 */
public record HealthScore(Double score, Double pessimistic, Double optimistic, Map<String, Component> components,
        List<String> missing, Verdict verdict, String reason) {

    /** One component: its input value, its 0–100 score and its renormalised weight; value and score null when missing. */
    public record Component(Double value, Double score, double weight) {
    }
}
