package dev.avalo.orchestrator.service;

import java.time.Instant;
import java.util.List;

import dev.avalo.contracts.route.DesiredRoute;

/** A registered service in one environment. */
public record ServiceRecord(String name, String environment, String stableRevision, List<String> upstreams,
        long routeGeneration, DesiredRoute route, String createdBy, Instant createdAt, Instant updatedAt) {
}
