package dev.avalo.health.window;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;

import org.HdrHistogram.Histogram;

/**
 * Figures of one revision summed over a range of seconds: request counts, the merged latency histogram, router gauges and the
 * pushed metrics (counters summed, gauges averaged over the seconds that had a value).
 */
public final class Aggregate {

    private long requests;
    private long errors;
    private long s5xx;
    private long connectionSum;
    private long userSum;
    private int routerSeconds;
    private Histogram latency;
    private final Map<String, Custom> custom = new HashMap<>();

    private static final class Custom {
        double counterSum;
        double gaugeSum;
        int seconds;
    }

    /** When false, latency histograms are not merged (counts, gauges and counters only: much cheaper). */
    private final boolean withLatency;

    public Aggregate() {
        this(true);
    }

    Aggregate(boolean withLatency) {
        this.withLatency = withLatency;
    }

    void add(Second s) {
        if (s.hasRouterData()) {
            requests += s.requests;
            errors += s.errors;
            s5xx += s.s5xx;
            connectionSum += s.connections;
            userSum += s.users;
            routerSeconds++;
            if (withLatency && s.hasLatency()) {
                if (latency == null) {
                    latency = Histograms.create();
                }
                s.addLatencyTo(latency);
            }
        }
        if (s.custom != null) {
            s.custom.forEach((name, c) -> {
                Custom agg = custom.computeIfAbsent(name, n -> new Custom());
                if (c.kind == MetricKind.COUNTER) {
                    agg.counterSum += c.sum;
                } else {
                    agg.gaugeSum += c.value();
                }
                agg.seconds++;
            });
        }
    }

    /** Adds every figure of {@code other}. */
    void add(Aggregate other) {
        requests += other.requests;
        errors += other.errors;
        s5xx += other.s5xx;
        connectionSum += other.connectionSum;
        userSum += other.userSum;
        routerSeconds += other.routerSeconds;
        if (other.latency != null) {
            if (latency == null) {
                latency = Histograms.create();
            }
            latency.add(other.latency);
        }
        other.custom.forEach((name, c) -> {
            Custom agg = custom.computeIfAbsent(name, n -> new Custom());
            agg.counterSum += c.counterSum;
            agg.gaugeSum += c.gaugeSum;
            agg.seconds += c.seconds;
        });
    }

    public long requests() {
        return requests;
    }

    public long errors() {
        return errors;
    }

    public long http5xx() {
        return s5xx;
    }

    /** Seconds in the range for which at least one router reported. */
    public int routerSeconds() {
        return routerSeconds;
    }

    /** The merged latency histogram in microseconds; empty when no request was timed. */
    public Histogram latency() {
        return latency == null ? Histograms.create() : latency;
    }

    /** A latency quantile (0–1) in milliseconds, empty without timed requests. */
    public OptionalDouble latencyMillis(double quantile) {
        if (latency == null || latency.getTotalCount() == 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(latency.getValueAtPercentile(quantile * 100.0) / 1000.0);
    }

    /** Requests per second over the seconds routers reported. */
    public OptionalDouble requestsPerSecond(int rangeSeconds) {
        return routerSeconds == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) requests / rangeSeconds);
    }

    /**
     * Mean of the routers' summed in-flight connections per second of a range of {@code rangeSeconds} (a second no router
     * reported counts as none: routers report a revision only when it had traffic).
     */
    public OptionalDouble meanConnections(int rangeSeconds) {
        return routerSeconds == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) connectionSum / rangeSeconds);
    }

    /** Mean of the routers' summed distinct users per second of a range of {@code rangeSeconds}. */
    public OptionalDouble meanUsers(int rangeSeconds) {
        return routerSeconds == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) userSum / rangeSeconds);
    }

    /** The sum of a pushed counter; empty when it never arrived in the range. */
    public OptionalDouble counterSum(String name) {
        Custom c = custom.get(name);
        return c == null ? OptionalDouble.empty() : OptionalDouble.of(c.counterSum);
    }

    /** The mean of a pushed gauge over the seconds that had a value; empty when none had. */
    public OptionalDouble gaugeMean(String name) {
        Custom c = custom.get(name);
        return c == null || c.seconds == 0 ? OptionalDouble.empty() : OptionalDouble.of(c.gaugeSum / c.seconds);
    }

    /**
     * A counter by canonical name: router counters ({@code requests}, {@code errors}, {@code http_5xx}) when a router reported,
     * pushed counters when one arrived; empty otherwise.
     */
    public OptionalDouble count(String name) {
        return switch (name) {
            case "requests" -> routerSeconds == 0 ? OptionalDouble.empty() : OptionalDouble.of(requests);
            case "errors" -> routerSeconds == 0 ? OptionalDouble.empty() : OptionalDouble.of(errors);
            case "http_5xx" -> routerSeconds == 0 ? OptionalDouble.empty() : OptionalDouble.of(s5xx);
            default -> counterSum(name);
        };
    }

    /**
     * A gauge by canonical name over a range of {@code rangeSeconds}: a pushed gauge's mean when pushed; otherwise the router's
     * figure for {@code throughput_rps}, {@code active_users} (distinct users per second) and {@code concurrent_connections}.
     */
    public OptionalDouble gauge(String name, int rangeSeconds) {
        OptionalDouble pushed = gaugeMean(name);
        if (pushed.isPresent()) {
            return pushed;
        }
        return switch (name) {
            case "throughput_rps" -> requestsPerSecond(rangeSeconds);
            case "active_users" -> meanUsers(rangeSeconds);
            case "concurrent_connections" -> meanConnections(rangeSeconds);
            default -> OptionalDouble.empty();
        };
    }

    /** True when a pushed metric of that name arrived in the range. */
    public boolean hasCustom(String name) {
        return custom.containsKey(name);
    }
}
