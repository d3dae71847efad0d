package dev.avalo.health.window;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The canonical metric names of DESIGN §6 and how each is computed. Router-derived metrics come from the router samples; pushed
 * ones from {@code avalo.metrics.custom.*} and {@code POST /api/v1/metrics}. A few rates are derived from pushed counter pairs
 * ({@code payment_failure_rate}, {@code auth_failure_rate}, {@code session_failure_rate}, {@code ai_moderation_success_rate})
 * so that the strategy's percentage rules can be written.
 */
public final class MetricCatalog {

    /** How a metric is read from a window. */
    public enum Type {
        /** A proportion of events, in percent; judged with a confidence bound. */
        RATE,
        /** A latency quantile in milliseconds from the merged histograms; judged via the share of requests above it. */
        QUANTILE,
        /** A count of events, summed over a window. */
        COUNTER,
        /** A level, averaged over a window; per second it is carried forward while fresh. */
        GAUGE
    }

    /**
     * A metric. For {@link Type#RATE}: {@code numerator}/{@code denominator} are counters ({@code complement} means 1 − that
     * ratio). For {@link Type#QUANTILE}: {@code quantile} in 0–1.
     */
    public record Metric(String name, Type type, boolean pushed, double quantile, String numerator, String denominator,
            boolean complement, String unit) {

        /** The kind pushed samples of this metric must carry. */
        public MetricKind pushedKind() {
            return type == Type.COUNTER ? MetricKind.COUNTER : MetricKind.GAUGE;
        }
    }

    private static final Map<String, Metric> ALL = new LinkedHashMap<>();

    static {
        counter("requests", false);
        counter("errors", false);
        counter("http_5xx", false);
        quantile("latency_p50", 0.50);
        quantile("latency_p95", 0.95);
        quantile("latency_p99", 0.99);
        rate("error_rate", false, "errors", "requests", false);
        rate("http_5xx_rate", false, "http_5xx", "requests", false);
        rate("success_rate", false, "errors", "requests", true);
        gauge("throughput_rps", false, "rps");

        counter("payment_transactions", true);
        counter("payment_failures", true);
        counter("ai_moderation_requests", true);
        counter("ai_moderation_success", true);
        gauge("ai_model_latency_ms", true, "ms");
        gauge("chat_delivery_latency_ms", true, "ms");
        gauge("db_query_time_ms", true, "ms");
        counter("db_errors", true);
        gauge("db_connection_up", true, "");
        gauge("cpu_percent", true, "%");
        gauge("memory_percent", true, "%");
        gauge("disk_percent", true, "%");
        gauge("active_users", true, "");
        counter("sessions", true);
        counter("session_failures", true);
        gauge("concurrent_connections", true, "");
        gauge("engagement", true, "");
        counter("revenue", true);
        counter("auth_attempts", true);
        counter("auth_failures", true);

        // fed by the alert source: critical alerts firing for the service (rules may use it, e.g. critical_alerts > 0 for 1m)
        gauge("critical_alerts", false, "");

        rate("payment_failure_rate", true, "payment_failures", "payment_transactions", false);
        rate("auth_failure_rate", true, "auth_failures", "auth_attempts", false);
        rate("session_failure_rate", true, "session_failures", "sessions", false);
        rate("ai_moderation_success_rate", true, "ai_moderation_success", "ai_moderation_requests", false);
    }

    /**
     * {@link #index}'s table of each name's position in {@link #ALL} (a small number windows index their per-metric tables
     * with): a power of two at least four times the catalog, so that probes are short.
     */
    private static final int SLOT_MASK;
    private static final String[] SLOT_NAMES;
    private static final int[] SLOT_HASHES;
    private static final int[] SLOT_INDEX;

    static {
        int slots = Integer.highestOneBit(ALL.size() * 4 - 1) << 1;
        SLOT_MASK = slots - 1;
        SLOT_NAMES = new String[slots];
        SLOT_HASHES = new int[slots];
        SLOT_INDEX = new int[slots];
        int position = 0;
        for (String name : ALL.keySet()) {
            int s = name.hashCode() & SLOT_MASK;
            while (SLOT_NAMES[s] != null) {
                s = (s + 1) & SLOT_MASK;
            }
            SLOT_NAMES[s] = name;
            SLOT_HASHES[s] = name.hashCode();
            SLOT_INDEX[s] = position++;
        }
    }

    private MetricCatalog() {
    }

    /** How many metrics the catalog has: the bound of {@link #index}. */
    static int size() {
        return ALL.size();
    }

    /**
     * The catalog position of {@code name} (0 … {@link #size()} − 1), or -1 for a name not in the catalog. Every rule check
     * asks for some (a window finds its columns by them), nearly always with the catalog's own string, so the names are kept in
     * an open-addressed table found by the string's cached hash and compared by identity first: a few loads, no boxed position.
     */
    static int index(String name) {
        if (name == null) {
            return -1;
        }
        int h = name.hashCode();
        for (int s = h & SLOT_MASK;; s = (s + 1) & SLOT_MASK) {
            String k = SLOT_NAMES[s];
            if (k == null) {
                return -1;
            }
            if (k == name || SLOT_HASHES[s] == h && k.equals(name)) {
                return SLOT_INDEX[s];
            }
        }
    }

    /** The metric of that name. */
    public static Optional<Metric> find(String name) {
        return Optional.ofNullable(ALL.get(name));
    }

    /** Every known metric, in declaration order. */
    public static Collection<Metric> all() {
        return ALL.values();
    }

    /** The names pushed samples may carry: pushed counters and gauges (not derived rates). */
    public static boolean isPushable(String name) {
        Metric m = ALL.get(name);
        return m != null && m.pushed() && m.type() != Type.RATE;
    }

    private static void counter(String name, boolean pushed) {
        ALL.put(name, new Metric(name, Type.COUNTER, pushed, Double.NaN, null, null, false, ""));
    }

    private static void gauge(String name, boolean pushed, String unit) {
        ALL.put(name, new Metric(name, Type.GAUGE, pushed, Double.NaN, null, null, false, unit));
    }

    private static void quantile(String name, double q) {
        ALL.put(name, new Metric(name, Type.QUANTILE, false, q, null, null, false, "ms"));
    }

    private static void rate(String name, boolean pushed, String numerator, String denominator, boolean complement) {
        ALL.put(name, new Metric(name, Type.RATE, pushed, Double.NaN, numerator, denominator, complement, "%"));
    }
}
