package dev.avalo.health.report;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The latest published health report of each service in each environment, kept as the JSON that was published on NATS
 * ({@code GET /api/v1/health/{service}/{env}} serves it as it is).
 * <p>
 * Why bytes and not the report: at 10,000 live canaries some 10,000 reports are younger than the 5-s report interval at any
 * time, and each young collection copied every one of them, a graph of some hundred small objects (gates, sentences, boxed
 * figures), which was a third of each young pause; one array per report is copied in a fraction of that
 * ({@code bench/health-scorer/analysis.md}, 2026-11-29 16:40). The JSON exists anyway: publishing encodes it.
 */
@ApplicationScoped
public class LatestReports {

    private final Map<String, Map<String, byte[]>> byEnvironment = new ConcurrentHashMap<>();

    /** Keeps {@code json} (a {@code HealthReport}, encoded) as the latest report of {@code service} in {@code environment}. */
    public void put(String service, String environment, byte[] json) {
        byEnvironment.computeIfAbsent(environment, e -> new ConcurrentHashMap<>()).put(service, json);
    }

    /** The latest report's JSON. */
    public Optional<byte[]> get(String service, String environment) {
        Map<String, byte[]> byService = byEnvironment.get(environment);
        return Optional.ofNullable(byService == null ? null : byService.get(service));
    }
}
