package dev.avalo.health.window;

import java.time.Instant;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The stable revision's figures just before a deployment started: what "vs baseline" rules and the service-total throughput and
 * user-impact comparisons measure against. Absent figures are NaN.
 */
public record Baseline(String revision, Instant from, Instant to, long requests, double requestsPerSecond,
        double usersPerSecond, double connections, double p50Millis, Map<String, Double> gauges,
        Map<String, Double> countersPerSecond) {

    public Baseline {
        gauges = Map.copyOf(gauges);
        countersPerSecond = Map.copyOf(countersPerSecond);
    }

    /** Captures the baseline from the stable's seconds {@code [from, to)}; empty figures when it had no data there. */
    public static Baseline capture(RevisionWindow stable, long from, long to) {
        Aggregate a = stable.aggregate(from, to);
        int seconds = (int) (to - from);
        Map<String, Double> gauges = new java.util.HashMap<>();
        Map<String, Double> counters = new java.util.HashMap<>();
        for (MetricCatalog.Metric m : MetricCatalog.all()) {
            if (m.type() == MetricCatalog.Type.GAUGE && m.pushed()) {
                a.gaugeMean(m.name()).ifPresent(v -> gauges.put(m.name(), v));
            } else if (m.type() == MetricCatalog.Type.COUNTER && m.pushed()) {
                a.counterSum(m.name()).ifPresent(v -> counters.put(m.name(), v / seconds));
            }
        }
        for (double q : new double[]{0.50, 0.95, 0.99}) {
            a.latencyMillis(q).ifPresent(v -> gauges.put("latency_p" + Math.round(q * 100), v));
        }
        if (a.requests() > 0) {
            gauges.put("error_rate", 100.0 * a.errors() / a.requests());
            gauges.put("http_5xx_rate", 100.0 * a.http5xx() / a.requests());
            gauges.put("success_rate", 100.0 - 100.0 * a.errors() / a.requests());
        }
        return new Baseline(stable.revision(), Instant.ofEpochSecond(from), Instant.ofEpochSecond(to), a.requests(),
                nan(a.requestsPerSecond(seconds)), nan(a.meanUsers(seconds)), nan(a.meanConnections(seconds)),
                nan(a.latencyMillis(0.5)), gauges, counters);
    }

    /** The baseline value of a gauge-like metric ({@code active_users}, {@code concurrent_connections}, pushed gauges). */
    public OptionalDouble gauge(String name) {
        Double pushed = gauges.get(name);
        if (pushed != null) {
            return OptionalDouble.of(pushed);
        }
        double v = switch (name) {
            case "active_users" -> usersPerSecond;
            case "concurrent_connections" -> connections;
            case "throughput_rps" -> requestsPerSecond;
            case "latency_p50" -> p50Millis;
            default -> Double.NaN;
        };
        return Double.isNaN(v) ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    private static double nan(OptionalDouble v) {
        return v.isPresent() ? v.getAsDouble() : Double.NaN;
    }
}
