package dev.avalo.contracts.metrics;

import java.time.Instant;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One router's figures for one revision over one window (a second), on {@code avalo.metrics.<service>.<env>}. {@code latency}
 * is a base64, compressed HdrHistogram (V2 encoding) of latencies in microseconds; {@code role} is {@code stable} or
 * {@code canary}.
 */
@RegisterForReflection
public record RouterMetricsSample(
        String routerId,
        String service,
        String environment,
        String revision,
        String role,
        Instant windowStart,
        long windowMillis,
        long requests,
        long errors,
        StatusCounts status,
        String latency,
        long activeConnections,
        long users) {
}
