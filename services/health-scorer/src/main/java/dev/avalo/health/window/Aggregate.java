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
    /** True when {@link #latency} belongs to the window (a cached range or the running total): never written here. */
    private boolean sharedLatency;
    /** The pushed metrics' figures by name; empty until the first one (most ranges read one or two, or none). */
    private Map<String, Custom> custom = Map.of();

    /** {@link #custom}, made writable on first use. */
    private Map<String, Custom> customs() {
        if (!(custom instanceof HashMap)) {
            custom = new HashMap<>();
        }
        return custom;
    }

    /**
     * Pushed metric figures over the range. One read from a window's summed columns has its seconds at once and its counter and
     * gauge sums on first use: a gauge's mean needs no counter sum, a counter's total no gauge sum.
     */
    static final class Custom {
        double counterSum;
        double gaugeSum;
        int seconds;
        /** The columns of the sums not read yet (null once read, or for figures added up here). */
        private RevisionWindow.Summed counterPart;
        private RevisionWindow.Summed gaugePart;
        private long from;
        private long to;

        Custom() {
        }

        /** The figures of {@code [from, to)} with {@code seconds} present, the two sums read from their columns when asked. */
        Custom(int seconds, RevisionWindow.Summed counterPart, RevisionWindow.Summed gaugePart, long from, long to) {
            this.seconds = seconds;
            this.counterPart = counterPart;
            this.gaugePart = gaugePart;
            this.from = from;
            this.to = to;
        }

        double counter() {
            if (counterPart != null) {
                counterSum = counterPart.sum(from, to);
                counterPart = null;
            }
            return counterSum;
        }

        double gauge() {
            if (gaugePart != null) {
                gaugeSum = gaugePart.sum(from, to);
                gaugePart = null;
            }
            return gaugeSum;
        }
    }

    /** Marks a name no second of the range had (lazy ranges only). */
    private static final Custom ABSENT = new Custom();

    /** When false, latency histograms are not merged (counts, gauges and counters only: much cheaper). */
    private final boolean withLatency;

    /** For a lazy range: the window and range the pushed metrics are read from on first use; null otherwise. */
    private final RevisionWindow source;
    private final long from;
    private final long to;
    /**
     * For a lazy range: the router figures not read from the window yet (bits {@link #REQUESTS} …), each read on first use:
     * most callers need one or two of the six (a rule comparing with the stable needs its requests alone).
     */
    private int routerUnread;

    static final int REQUESTS = 1;
    static final int ERRORS = 2;
    static final int S5XX = 4;
    static final int CONNECTIONS = 8;
    static final int USERS = 16;
    static final int SECONDS = 32;
    private static final int ALL_ROUTER = 63;

    public Aggregate() {
        this(true);
    }

    Aggregate(boolean withLatency) {
        this.withLatency = withLatency;
        this.source = null;
        this.from = 0;
        this.to = 0;
    }

    /**
     * A range of {@code source}: the router figures are summed at once, a pushed metric when first asked for (in time order, as
     * summing every second would), the latency histogram is the window's cached one for the range (read-only, valid until the
     * window is changed or asked for another range).
     */
    Aggregate(RevisionWindow source, long from, long to, boolean withLatency) {
        this.withLatency = withLatency;
        this.source = source;
        this.from = from;
        this.to = to;
        this.routerUnread = ALL_ROUTER;
    }

    /**
     * Reads the router figures {@code figures} of a lazy range from its window on first use (the window must not have changed).
     */
    private void router(int figures) {
        int unread = routerUnread & figures;
        if (unread == 0) {
            return;
        }
        routerUnread &= ~unread;
        if ((unread & REQUESTS) != 0) {
            requests = source.routerSum(REQUESTS, from, to);
        }
        if ((unread & ERRORS) != 0) {
            errors = source.routerSum(ERRORS, from, to);
        }
        if ((unread & S5XX) != 0) {
            s5xx = source.routerSum(S5XX, from, to);
        }
        if ((unread & CONNECTIONS) != 0) {
            connectionSum = source.routerSum(CONNECTIONS, from, to);
        }
        if ((unread & USERS) != 0) {
            userSum = source.routerSum(USERS, from, to);
        }
        if ((unread & SECONDS) != 0) {
            routerSeconds = (int) source.routerSum(SECONDS, from, to);
        }
    }

    /** Sets the router sums (lazy ranges and copies). */
    void setRouter(long requests, long errors, long s5xx, long connections, long users, int routerSeconds) {
        this.routerUnread = 0;
        this.requests = requests;
        this.errors = errors;
        this.s5xx = s5xx;
        this.connectionSum = connections;
        this.userSum = users;
        this.routerSeconds = routerSeconds;
    }

    /** Uses a histogram owned by the window as this aggregate's latency (never written through this aggregate). */
    void shareLatency(Histogram h) {
        this.latency = h;
        this.sharedLatency = true;
    }

    /** Adds one second's router figures (the second had at least one router sample). */
    void addRouterSecond(long requests, long errors, long s5xx, long connections, long users) {
        this.requests += requests;
        this.errors += errors;
        this.s5xx += s5xx;
        this.connectionSum += connections;
        this.userSum += users;
        this.routerSeconds++;
    }

    /** Adds another router's figures to a second already counted. */
    void addRouterFigures(long requests, long errors, long s5xx, long connections, long users) {
        this.requests += requests;
        this.errors += errors;
        this.s5xx += s5xx;
        this.connectionSum += connections;
        this.userSum += users;
    }

    /** Adds the {@link SparseLatency} bucket list at {@code b[at]}; only when this aggregate merges latency. */
    void addLatency(long[] b, int at) {
        if (!withLatency || SparseLatency.length(b, at) == 0) {
            return;
        }
        ownLatency();
        SparseLatency.addTo(b, at, latency, 1);
    }

    /** Adds a dense histogram's counts (same precision). */
    void addLatency(Histogram h) {
        if (!withLatency || h == null) {
            return;
        }
        ownLatency();
        latency.add(h);
    }

    private void ownLatency() {
        if (latency == null) {
            latency = Histograms.create();
        } else if (sharedLatency) {
            latency = latency.copy();
            sharedLatency = false;
        }
    }

    /** Adds one second's value of a pushed metric: a counter's sum, a gauge's mean over the second. */
    void addCustomSecond(String name, MetricKind kind, double value) {
        Custom agg = customs().computeIfAbsent(name, n -> new Custom());
        if (kind == MetricKind.COUNTER) {
            agg.counterSum += value;
        } else {
            agg.gaugeSum += value;
        }
        agg.seconds++;
    }

    /** The figures of one pushed metric (for the running total's incremental upkeep); created on first use. */
    Custom customFigures(String name) {
        return customs().computeIfAbsent(name, n -> new Custom());
    }

    private Custom custom(String name) {
        Custom c = custom.get(name);
        if (c == null && source != null) {
            c = source.customRange(name, from, to);
            customs().put(name, c == null ? ABSENT : c);
        }
        return c == ABSENT ? null : c;
    }

    /** Every pushed metric of the range read (lazy ranges read all names first). */
    private Map<String, Custom> allCustom() {
        if (source != null) {
            for (String name : source.customNames()) {
                custom(name);
            }
        }
        Map<String, Custom> all = new HashMap<>();
        custom.forEach((name, c) -> {
            if (c != ABSENT) {
                all.put(name, c);
            }
        });
        return all;
    }

    /** Adds every figure of {@code other}. */
    void add(Aggregate other) {
        router(ALL_ROUTER);
        other.router(ALL_ROUTER);
        requests += other.requests;
        errors += other.errors;
        s5xx += other.s5xx;
        connectionSum += other.connectionSum;
        userSum += other.userSum;
        routerSeconds += other.routerSeconds;
        if (other.latency != null && other.latency.getTotalCount() > 0) {
            ownLatency();
            latency.add(other.latency);
        }
        other.allCustom().forEach((name, c) -> {
            Custom agg = customFigures(name);
            agg.counterSum += c.counter();
            agg.gaugeSum += c.gauge();
            agg.seconds += c.seconds;
        });
    }

    public long requests() {
        router(REQUESTS);
        return requests;
    }

    public long errors() {
        router(ERRORS);
        return errors;
    }

    public long http5xx() {
        router(S5XX);
        return s5xx;
    }

    /** Seconds in the range for which at least one router reported. */
    public int routerSeconds() {
        router(SECONDS);
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
        router(REQUESTS | SECONDS);
        return routerSeconds == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) requests / rangeSeconds);
    }

    /**
     * Mean of the routers' summed in-flight connections per second of a range of {@code rangeSeconds} (a second no router
     * reported counts as none: routers report a revision only when it had traffic).
     */
    public OptionalDouble meanConnections(int rangeSeconds) {
        router(CONNECTIONS | SECONDS);
        return routerSeconds == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) connectionSum / rangeSeconds);
    }

    /** Mean of the routers' summed distinct users per second of a range of {@code rangeSeconds}. */
    public OptionalDouble meanUsers(int rangeSeconds) {
        router(USERS | SECONDS);
        return routerSeconds == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) userSum / rangeSeconds);
    }

    /** The sum of a pushed counter; empty when it never arrived in the range. */
    public OptionalDouble counterSum(String name) {
        Custom c = custom(name);
        return c == null ? OptionalDouble.empty() : OptionalDouble.of(c.counter());
    }

    /** How many seconds of the range had a value of the pushed gauge {@code name}. */
    public int gaugeSeconds(String name) {
        Custom c = custom(name);
        return c == null ? 0 : c.seconds;
    }

    /** The mean of a pushed gauge over the seconds that had a value; empty when none had. */
    public OptionalDouble gaugeMean(String name) {
        Custom c = custom(name);
        return c == null || c.seconds == 0 ? OptionalDouble.empty() : OptionalDouble.of(c.gauge() / c.seconds);
    }

    /**
     * A counter by canonical name: router counters ({@code requests}, {@code errors}, {@code http_5xx}) when a router reported,
     * pushed counters when one arrived; empty otherwise.
     */
    public OptionalDouble count(String name) {
        return switch (name) {
            case "requests" -> routerCount(REQUESTS);
            case "errors" -> routerCount(ERRORS);
            case "http_5xx" -> routerCount(S5XX);
            default -> counterSum(name);
        };
    }

    /** A router counter over the range; empty when no router reported in it. */
    private OptionalDouble routerCount(int figure) {
        router(figure | SECONDS);
        if (routerSeconds == 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(figure == REQUESTS ? requests : figure == ERRORS ? errors : s5xx);
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
        return custom(name) != null;
    }
}
