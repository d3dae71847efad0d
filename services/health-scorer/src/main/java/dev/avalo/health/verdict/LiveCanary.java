package dev.avalo.health.verdict;

import java.time.Instant;
import java.util.List;

/**
 * A canary the scorer judges: which deployment, which revisions, the canary's share of traffic (0–1, from the desired route),
 * the current stage and its gates, and when the deployment and the stage started.
 */
public record LiveCanary(String service, String environment, String deploymentId, String canaryRevision,
        String stableRevision, double canaryShare, String stageName, List<String> stageGates, Instant deploymentStartedAt,
        Instant stageStartedAt) {

    public LiveCanary {
        stageGates = stageGates == null ? List.of() : List.copyOf(stageGates);
    }
}
