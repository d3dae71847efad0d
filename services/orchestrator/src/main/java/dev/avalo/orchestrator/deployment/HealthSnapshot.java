package dev.avalo.orchestrator.deployment;

import java.time.Instant;

import dev.avalo.contracts.health.Verdict;

/**
 * What the lifecycle keeps of the last usable health report: the effective verdict (the worse of the scorer's verdict and the
 * score band, gates of the current stage considered), the score, when it arrived and a sentence.
 */
@io.quarkus.runtime.annotations.RegisterForReflection
public record HealthSnapshot(Verdict verdict, Double score, Instant receivedAt, String summary) {
}
