package dev.avalo.health.window;

import java.util.HashMap;
import java.util.Map;

import org.HdrHistogram.Histogram;

/**
 * The old one-second bucket of {@link ReferenceWindow}. Test only.
 * <p>
 * One second of one revision: router figures summed over every router that reported it, their latency histograms merged, and
 * the pushed metrics of that second. Not thread-safe: owned by its {@link ReferenceWindow}.
 */
final class ReferenceSecond implements SecondView {

    long epochSecond = Long.MIN_VALUE;
    long requests;
    long errors;
    long s5xx;
    long connections;
    long users;
    int routerSamples;
    /** The latency histogram while the second may still receive samples; null once compacted. */
    Histogram latency;
    /** The latency histogram once settled. */
    ReferenceSparseHistogram compact;
    Map<String, Custom> custom;

    /** A pushed metric within the second: the sum of values and how many arrived. */
    static final class Custom {
        final MetricKind kind;
        double sum;
        int count;

        Custom(MetricKind kind) {
            this.kind = kind;
        }

        /** Counter: the increments' sum; gauge: the mean of the values seen in this second. */
        double value() {
            return kind == MetricKind.COUNTER ? sum : sum / count;
        }
    }

    void reset(long second) {
        epochSecond = second;
        requests = 0;
        errors = 0;
        s5xx = 0;
        connections = 0;
        users = 0;
        routerSamples = 0;
        latency = null;
        compact = null;
        if (custom != null) {
            custom.clear();
        }
    }

    @Override
    public boolean hasRouterData() {
        return routerSamples > 0;
    }

    boolean isEmpty() {
        return routerSamples == 0 && (custom == null || custom.isEmpty());
    }

    void addRouter(long requests, long errors, long s5xx, Histogram latency, long connections, long users) {
        this.requests += requests;
        this.errors += errors;
        this.s5xx += s5xx;
        this.connections += connections;
        this.users += users;
        this.routerSamples++;
        if (latency != null && latency.getTotalCount() > 0) {
            if (this.latency == null) {
                this.latency = Histograms.create();
                if (compact != null) {
                    // a late sample for a settled second: reopen it
                    compact.addTo(this.latency);
                    compact = null;
                }
            }
            this.latency.add(latency);
        }
    }

    void addCustom(String name, MetricKind kind, double value) {
        if (custom == null) {
            custom = new HashMap<>();
        }
        Custom c = custom.computeIfAbsent(name, n -> new Custom(kind));
        if (c.kind != kind) {
            throw new IllegalArgumentException("metric '" + name + "' is a " + c.kind.name().toLowerCase()
                    + ", got a " + kind.name().toLowerCase() + " sample");
        }
        c.sum += value;
        c.count++;
    }

    Custom custom(String name) {
        return custom == null ? null : custom.get(name);
    }

    @Override
    public long epochSecond() {
        return epochSecond;
    }

    @Override
    public long requests() {
        return requests;
    }

    @Override
    public long errors() {
        return errors;
    }

    @Override
    public long http5xx() {
        return s5xx;
    }

    @Override
    public long connections() {
        return connections;
    }

    @Override
    public long users() {
        return users;
    }

    /** Replaces the dense histogram by its non-empty buckets. */
    void compact() {
        if (latency != null) {
            compact = ReferenceSparseHistogram.of(latency);
            latency = null;
        }
    }

    /** Adds this second's latencies to {@code target}. */
    void addLatencyTo(Histogram target) {
        if (latency != null) {
            target.add(latency);
        } else if (compact != null) {
            compact.addTo(target);
        }
    }

    boolean hasLatency() {
        return latency != null || compact != null;
    }

    @Override
    public long countAbove(long micros) {
        return compact != null ? compact.countAbove(micros) : Histograms.countAbove(latency, micros);
    }

    @Override
    public long timed() {
        return compact != null ? compact.total() : latency == null ? 0 : latency.getTotalCount();
    }

    @Override
    public double count(String name) {
        return switch (name) {
            case "requests" -> requests;
            case "errors" -> errors;
            case "http_5xx" -> s5xx;
            default -> {
                Custom c = custom(name);
                yield c == null ? 0.0 : c.sum;
            }
        };
    }

    @Override
    public boolean hasCustom(String name) {
        return custom(name) != null;
    }
}
