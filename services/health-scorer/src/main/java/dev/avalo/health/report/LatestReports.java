package dev.avalo.health.report;

import java.util.Arrays;
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
 * figures), which was a third of each young pause ({@code bench/health-scorer/analysis.md}, 2026-11-29 16:40). Why copied into
 * a buffer per service that is rewritten in place, and not the published array itself: a kept array stays young for up to the
 * report interval, so each young collection copies the ones still kept, and storing each new one into the long-lived map
 * dirties a card the collection scans; a buffer that has been tenured costs a collection nothing (analysis.md, 2026-11-29
 * evening).
 */
@ApplicationScoped
public class LatestReports {

    /** One service's latest JSON: the first {@code length} bytes of {@code bytes}. Guarded by itself. */
    private static final class Latest {
        byte[] bytes = new byte[0];
        int length = -1;
    }

    private final Map<String, Map<String, Latest>> byEnvironment = new ConcurrentHashMap<>();

    /** Keeps {@code json} (a {@code HealthReport}, encoded) as the latest report of {@code service} in {@code environment}. */
    public void put(String service, String environment, byte[] json) {
        Map<String, Latest> byService = byEnvironment.get(environment);
        Latest l = byService == null ? null : byService.get(service);
        if (l == null) {
            l = byEnvironment.computeIfAbsent(environment, e -> new ConcurrentHashMap<>()).computeIfAbsent(service,
                    s -> new Latest());
        }
        synchronized (l) {
            int n = json.length;
            if (l.bytes.length < n || l.bytes.length > 4 * n + 1024) {
                // a quarter's room, so that a report a little longer than the last (one more breach) still fits; a buffer far
                // too large for its reports is given back
                l.bytes = new byte[n + n / 4];
            }
            System.arraycopy(json, 0, l.bytes, 0, n);
            l.length = n;
        }
    }

    /** The latest report's JSON (a copy). */
    public Optional<byte[]> get(String service, String environment) {
        Map<String, Latest> byService = byEnvironment.get(environment);
        Latest l = byService == null ? null : byService.get(service);
        if (l == null) {
            return Optional.empty();
        }
        synchronized (l) {
            return l.length < 0 ? Optional.empty() : Optional.of(Arrays.copyOf(l.bytes, l.length));
        }
    }
}
