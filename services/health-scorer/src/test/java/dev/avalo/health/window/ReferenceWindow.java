package dev.avalo.health.window;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.HdrHistogram.Histogram;

/**
 * The window as it was before the columnar rewrite (an object per second, histograms merged on every query), kept to prove
 * {@link RevisionWindow} answers exactly the same. Test only.
 * <p>
 * One revision's one-second buckets in a ring covering the last {@code retentionSeconds}, plus a running total since a chosen
 * moment (the stage start) that survives the ring: a bucket's figures move into the total when the ring reuses its slot, or
 * when a newer second moves the ring past it (a slot whose seconds got no data is not reused, yet its second has left the
 * ring). Not thread-safe; the owner serialises access (one service's windows are touched by one thread at a time).
 */
public final class ReferenceWindow {

    /** Seconds this far behind the newest are compacted. */
    static final int COMPACT_AFTER_SECONDS = 5;

    private final String revision;
    private final ReferenceSecond[] ring;
    private final Map<String, Long> firstSeen = new HashMap<>();
    private long firstRouterSecond = Long.MAX_VALUE;
    private long newestSecond = Long.MIN_VALUE;
    private long cumulativeSince = Long.MIN_VALUE;
    private Aggregate archived = new Aggregate();

    public ReferenceWindow(String revision, int retentionSeconds) {
        if (retentionSeconds < 60) {
            throw new IllegalArgumentException("retention must be at least 60 s, got " + retentionSeconds);
        }
        this.revision = revision;
        this.refreshPhase = StaleQuantile.refreshPhase(revision.hashCode());
        this.ring = new ReferenceSecond[retentionSeconds];
        for (int i = 0; i < ring.length; i++) {
            ring[i] = new ReferenceSecond();
        }
    }

    public String revision() {
        return revision;
    }

    public int retentionSeconds() {
        return ring.length;
    }

    /**
     * Adds one router's figures for one second. Samples older than the ring are dropped.
     *
     * @return false when the sample was too old to keep
     */
    public boolean addRouter(long epochSecond, long requests, long errors, long s5xx, Histogram latency, long connections,
            long users) {
        ReferenceSecond s = slot(epochSecond);
        if (s == null) {
            return false;
        }
        s.addRouter(requests, errors, s5xx, latency, connections, users);
        firstRouterSecond = Math.min(firstRouterSecond, epochSecond);
        return true;
    }

    /**
     * Adds a pushed metric value for one second.
     *
     * @return false when the sample was too old to keep
     * @throws IllegalArgumentException
     *             when the same name arrived earlier in that second with the other kind
     */
    public boolean addCustom(long epochSecond, String name, MetricKind kind, double value) {
        ReferenceSecond s = slot(epochSecond);
        if (s == null) {
            return false;
        }
        s.addCustom(name, kind, value);
        firstSeen.merge(name, epochSecond, Math::min);
        return true;
    }

    /** The first second any router reported this revision, or {@link Long#MAX_VALUE}. */
    public long firstRouterSecond() {
        return firstRouterSecond;
    }

    /** The first second the pushed metric {@code name} arrived, or {@link Long#MAX_VALUE}. */
    public long firstSeen(String name) {
        return firstSeen.getOrDefault(name, Long.MAX_VALUE);
    }

    /** The newest second with any data, or {@link Long#MIN_VALUE}. */
    public long newestSecond() {
        return newestSecond;
    }

    /** Sums the seconds {@code [from, to)} still in the ring. */
    public Aggregate aggregate(long from, long to) {
        return aggregate(from, to, true);
    }

    private final int refreshPhase;
    private double cachedQuantile = Double.NaN;
    private double cachedQ = Double.NaN;
    private long cachedFrom;
    private long cachedTo;

    /**
     * A latency quantile in ms over {@code [from, to)}, reusing the value computed for a range of the same length that ended at
     * most {@code maxStaleSeconds} earlier: a reference median over five minutes barely moves in a few seconds, and merging
     * five minutes of a busy stable's histograms every second is the costliest thing a rule does. Empty without timed requests.
     */
    public java.util.OptionalDouble quantileMillis(double q, long from, long to, int maxStaleSeconds) {
        // reused while at most maxStaleSeconds old, except on the window's own refresh second of every maxStaleSeconds + 1
        boolean refreshSecond = to != cachedTo && (to + refreshPhase) % (maxStaleSeconds + 1) == 0;
        if (q == cachedQ && to - from == cachedTo - cachedFrom && to >= cachedTo && to - cachedTo <= maxStaleSeconds
                && !refreshSecond) {
            return Double.isNaN(cachedQuantile)
                    ? java.util.OptionalDouble.empty()
                    : java.util.OptionalDouble.of(cachedQuantile);
        }
        java.util.OptionalDouble v = aggregate(from, to).latencyMillis(q);
        cachedQ = q;
        cachedFrom = from;
        cachedTo = to;
        cachedQuantile = v.isPresent() ? v.getAsDouble() : Double.NaN;
        return v;
    }

    /** Sums the seconds {@code [from, to)} without merging latency histograms (counts, gauges, counters only). */
    public Aggregate counts(long from, long to) {
        return aggregate(from, to, false);
    }

    private Aggregate aggregate(long from, long to, boolean withLatency) {
        Aggregate a = new Aggregate(withLatency);
        long start = Math.max(from, to - ring.length);
        for (long t = start; t < to; t++) {
            ReferenceSecond s = ring[index(t)];
            if (s.epochSecond == t) {
                add(a, s);
            }
        }
        return a;
    }

    /**
     * The value of a pushed metric in each second of {@code [from, to)}: counters their sum (0 when nothing arrived), gauges
     * their mean, carried forward from an earlier second for up to {@code staleSeconds}; NaN where a gauge had no fresh value.
     */
    public double[] series(String name, MetricKind kind, long from, long to, int staleSeconds) {
        double[] values = new double[(int) Math.max(0, to - from)];
        Arrays.fill(values, kind == MetricKind.COUNTER ? 0.0 : Double.NaN);
        double last = Double.NaN;
        long lastAt = Long.MIN_VALUE;
        long start = kind == MetricKind.GAUGE ? from - staleSeconds : from;
        for (long t = Math.max(start, to - ring.length); t < to; t++) {
            ReferenceSecond s = ring[index(t)];
            ReferenceSecond.Custom c = s.epochSecond == t ? s.custom(name) : null;
            if (c != null) {
                last = c.value();
                lastAt = t;
            }
            if (t >= from) {
                if (kind == MetricKind.COUNTER) {
                    values[(int) (t - from)] = c == null ? 0.0 : c.value();
                } else if (lastAt != Long.MIN_VALUE && t - lastAt <= staleSeconds) {
                    values[(int) (t - from)] = last;
                }
            }
        }
        return values;
    }

    /** Visits every second of {@code [from, to)} that is still in the ring and holds data, oldest first. */
    public void forEachSecond(long from, long to, java.util.function.Consumer<SecondView> visitor) {
        for (long t = Math.max(from, to - ring.length); t < to; t++) {
            ReferenceSecond s = ring[index(t)];
            if (s.epochSecond == t && !s.isEmpty()) {
                visitor.accept(s);
            }
        }
    }

    /** Restarts the running total at {@code epochSecond}: only seconds at or after it count. */
    public void resetCumulative(long epochSecond) {
        cumulativeSince = epochSecond;
        archived = new Aggregate();
    }

    /** The second the running total starts at, or {@link Long#MIN_VALUE} when it was never reset. */
    public long cumulativeSince() {
        return cumulativeSince;
    }

    /** Everything since the last {@link #resetCumulative}, including seconds that have left the ring. */
    public Aggregate cumulative() {
        Aggregate a = new Aggregate();
        a.add(archived);
        for (ReferenceSecond s : ring) {
            if (s.epochSecond != Long.MIN_VALUE && s.epochSecond >= cumulativeSince) {
                add(a, s);
            }
        }
        return a;
    }

    /** What {@code Aggregate.add(Second)} did. */
    private static void add(Aggregate a, ReferenceSecond s) {
        if (s.hasRouterData()) {
            a.addRouterSecond(s.requests, s.errors, s.s5xx, s.connections, s.users);
            if (s.latency != null) {
                a.addLatency(s.latency);
            } else if (s.compact != null) {
                Histogram h = Histograms.create();
                s.compact.addTo(h);
                a.addLatency(h);
            }
        }
        if (s.custom != null) {
            s.custom.forEach((name, c) -> a.addCustomSecond(name, c.kind, c.value()));
        }
    }

    private ReferenceSecond slot(long epochSecond) {
        ReferenceSecond s = ring[index(epochSecond)];
        if (s.epochSecond == epochSecond) {
            return s;
        }
        if (s.epochSecond > epochSecond
                || (newestSecond != Long.MIN_VALUE && epochSecond <= newestSecond - ring.length)) {
            return null;
        }
        if (s.epochSecond != Long.MIN_VALUE && s.epochSecond >= cumulativeSince && !s.isEmpty()) {
            add(archived, s);
        }
        s.reset(epochSecond);
        if (epochSecond > newestSecond && newestSecond != Long.MIN_VALUE) {
            // the seconds skipped leave the ring: what their slots still hold is older than it holds, and is forgotten (into
            // the running total) as a reused slot's is
            for (long t = Math.max(newestSecond + 1, epochSecond - ring.length + 1); t < epochSecond; t++) {
                ReferenceSecond stale = ring[index(t)];
                if (stale.epochSecond != Long.MIN_VALUE) {
                    if (stale.epochSecond >= cumulativeSince && !stale.isEmpty()) {
                        add(archived, stale);
                    }
                    stale.reset(Long.MIN_VALUE);
                }
            }
        }
        if (epochSecond > newestSecond) {
            // seconds older than a few seconds are settled: keep only their non-empty latency buckets
            long from = newestSecond == Long.MIN_VALUE
                    ? epochSecond
                    : Math.max(newestSecond, epochSecond - ring.length)
                            - COMPACT_AFTER_SECONDS;
            for (long t = from; t <= epochSecond - COMPACT_AFTER_SECONDS; t++) {
                ReferenceSecond old = ring[index(t)];
                if (old.epochSecond == t) {
                    old.compact();
                }
            }
            newestSecond = epochSecond;
        }
        return s;
    }

    private int index(long epochSecond) {
        return (int) Math.floorMod(epochSecond, (long) ring.length);
    }
}
