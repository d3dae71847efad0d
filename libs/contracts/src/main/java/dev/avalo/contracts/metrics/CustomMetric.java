package dev.avalo.contracts.metrics;

import java.time.Instant;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A pushed business metric on {@code avalo.metrics.custom.<service>.<env>}: counters are increments within the sample's second,
 * gauges the value at {@code at}. {@code kind} is {@code gauge} or {@code counter}.
 */
@RegisterForReflection
public record CustomMetric(String revision, String name, double value, String kind, Instant at) {
}
