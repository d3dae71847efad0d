package dev.avalo.contracts.metrics;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Body of the health-scorer's {@code POST /api/v1/metrics}. */
@RegisterForReflection
public record MetricsBatch(String service, String environment, List<CustomMetric> samples) {
}
