package dev.avalo.health.window;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Consumer;

import org.HdrHistogram.Histogram;

/**
 * One revision's one-second buckets in a ring covering the last {@code retentionSeconds}, plus a running total since a chosen
 * moment (the stage start) that survives the ring. Not thread-safe; the owner serialises access (one service's windows are
 * touched by one thread at a time).
 * <p>
 * Laid out for the every-second evaluation of thousands of canaries: the ring is a set of columns (one primitive array per
 * figure, indexed by slot) rather than an object per second, so a rule's sum over minutes is a tight loop without lookups or
 * allocation. Latencies are kept per second as their non-empty buckets ({@link SparseLatency}), and incrementally:
 * <ul>
 * <li>per latency threshold a rule uses ({@link #sumAbove}), the count of slower requests per second, kept at ingestion;</li>
 * <li>a few merged histograms of recently asked ranges (the 5-minute score and relative-rule windows), moved second by second
 * by adding the entering and removing the leaving seconds' buckets, and updated when a late sample arrives
 * ({@link RangeHistograms});</li>
 * <li>the running total since the stage start, counts and histogram, updated at ingestion.</li>
 * </ul>
 * Which seconds a range sees is exactly what a scan of the ring sees: the seconds of the range still held by their slot.
 */
public final class RevisionWindow {

    /** Latency thresholds kept per second at most; further thresholds are answered by scanning the seconds' buckets. */
    static final int MAX_THRESHOLDS = 8;
    /** Merged range histograms kept at most. */
    static final int MAX_RANGES = 3;

    private final String revision;
    private final int len;
    /** The second each slot holds, {@link Long#MIN_VALUE} for never written. */
    private final long[] sec;
    private final long[] requests;
    private final long[] errors;
    private final long[] s5xx;
    private final long[] connections;
    private final long[] users;
    private final long[] timed;
    private final int[] routerSamples;
    /** Per slot: {@link SparseLatency} pairs, or null. */
    private final long[][] latency;
    private final Map<String, CustomColumn> custom = new HashMap<>();
    private final List<CustomColumn> customColumns = new ArrayList<>();
    private final List<Threshold> thresholds = new ArrayList<>();
    private final RangeHistograms ranges = new RangeHistograms(MAX_RANGES, this::addSeconds);
    private long firstRouterSecond = Long.MAX_VALUE;
    private long newestSecond = Long.MIN_VALUE;
    private long cumulativeSince = Long.MIN_VALUE;
    /** Everything since {@link #cumulativeSince}, kept up to date at ingestion. */
    private Aggregate running = new Aggregate();

    /**
     * A pushed metric's column: per slot the sum of the values that arrived, how many (negative for a counter, positive for a
     * gauge) and the second they belong to, so that a slot taken over by a newer second needs no clearing.
     */
    private final class CustomColumn {
        final String name;
        final int index;
        final double[] sum;
        final int[] count;
        final int[] at;
        long firstSeen = Long.MAX_VALUE;
        /** The running total's figures of this metric (null until needed, and after a reset). */
        Aggregate.Custom running;

        CustomColumn(String name, int index, int len) {
            this.name = name;
            this.index = index;
            this.sum = new double[len];
            this.count = new int[len];
            this.at = new int[len];
        }

        /** 0 when nothing arrived for slot {@code i}'s second, else {@link #COUNTER} or {@link #GAUGE}. */
        int kind(int i) {
            int n = count[i];
            if (n == 0 || at[i] != (int) sec[i]) {
                return 0;
            }
            return n < 0 ? COUNTER : GAUGE;
        }

        /** The raw sum of slot {@code i}'s second, 0 when nothing arrived. */
        double rawSum(int i) {
            return kind(i) == 0 ? 0.0 : sum[i];
        }

        /** Counter: the increments' sum; gauge: the mean of the values seen in this second (for a present slot). */
        double value(int i) {
            int n = count[i];
            return n < 0 ? sum[i] : sum[i] / n;
        }
    }

    private static final int COUNTER = 1;
    private static final int GAUGE = 2;

    /** Requests slower than {@code micros}, per slot. */
    private static final class Threshold {
        final long micros;
        final long[] above;

        Threshold(long micros, int len) {
            this.micros = micros;
            this.above = new long[len];
        }
    }

    public RevisionWindow(String revision, int retentionSeconds) {
        if (retentionSeconds < 60) {
            throw new IllegalArgumentException("retention must be at least 60 s, got " + retentionSeconds);
        }
        this.revision = revision;
        this.len = retentionSeconds;
        this.sec = new long[len];
        Arrays.fill(sec, Long.MIN_VALUE);
        this.requests = new long[len];
        this.errors = new long[len];
        this.s5xx = new long[len];
        this.connections = new long[len];
        this.users = new long[len];
        this.timed = new long[len];
        this.routerSamples = new int[len];
        this.latency = new long[len][];
    }

    public String revision() {
        return revision;
    }

    public int retentionSeconds() {
        return len;
    }

    // ---------------------------------------------------------------- ingestion

    /**
     * Adds one router's figures for one second. Samples older than the ring are dropped.
     *
     * @return false when the sample was too old to keep
     */
    public boolean addRouter(long epochSecond, long requests, long errors, long s5xx, Histogram latency, long connections,
            long users) {
        int i = slot(epochSecond);
        if (i < 0) {
            return false;
        }
        boolean firstSample = routerSamples[i] == 0;
        this.requests[i] += requests;
        this.errors[i] += errors;
        this.s5xx[i] += s5xx;
        this.connections[i] += connections;
        this.users[i] += users;
        routerSamples[i]++;
        long[] pairs = null;
        if (latency != null && latency.getTotalCount() > 0) {
            pairs = SparseLatency.of(latency);
            this.latency[i] = SparseLatency.merge(this.latency[i], pairs);
            this.timed[i] += SparseLatency.total(pairs);
            for (Threshold th : thresholds) {
                th.above[i] += SparseLatency.countAbove(pairs, th.micros);
            }
            ranges.changed(epochSecond, pairs, 1);
        }
        if (epochSecond >= cumulativeSince) {
            if (firstSample) {
                running.addRouterSecond(requests, errors, s5xx, connections, users);
            } else {
                running.addRouterFigures(requests, errors, s5xx, connections, users);
            }
            running.addLatency(pairs);
        }
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
        CustomColumn c = custom.get(name);
        if (c != null) {
            int held = ring(epochSecond);
            int k = sec[held] == epochSecond ? c.kind(held) : 0;
            if (k != 0 && k != kindCode(kind)) {
                MetricKind had = k == COUNTER ? MetricKind.COUNTER : MetricKind.GAUGE;
                throw new IllegalArgumentException("metric '" + name + "' is a " + had.name().toLowerCase()
                        + ", got a " + kind.name().toLowerCase() + " sample");
            }
        }
        int i = slot(epochSecond);
        if (i < 0) {
            return false;
        }
        if (c == null) {
            c = new CustomColumn(name, customColumns.size(), len);
            custom.put(name, c);
            customColumns.add(c);
        }
        int k = c.kind(i);
        int before = k == 0 ? 0 : Math.abs(c.count[i]);
        double sumBefore = k == 0 ? 0.0 : c.sum[i];
        c.at[i] = (int) epochSecond;
        c.sum[i] = sumBefore + value;
        c.count[i] = kind == MetricKind.COUNTER ? -(before + 1) : before + 1;
        if (epochSecond >= cumulativeSince) {
            Aggregate.Custom agg = c.running;
            if (agg == null) {
                agg = c.running = running.customFigures(name);
            }
            if (kind == MetricKind.COUNTER) {
                agg.counterSum += value;
            } else {
                agg.gaugeSum += before == 0 ? value : c.sum[i] / (before + 1) - sumBefore / before;
            }
            if (before == 0) {
                agg.seconds++;
            }
        }
        if (epochSecond < c.firstSeen) {
            c.firstSeen = epochSecond;
        }
        return true;
    }

    /** The slot for {@code epochSecond}, taking it over from an older second; -1 when the second is too old to keep. */
    private int slot(long epochSecond) {
        int i = ring(epochSecond);
        long held = sec[i];
        if (held == epochSecond) {
            return i;
        }
        if (held > epochSecond || (newestSecond != Long.MIN_VALUE && epochSecond <= newestSecond - len)) {
            return -1;
        }
        if (held != Long.MIN_VALUE) {
            evict(i, held);
        }
        sec[i] = epochSecond;
        if (epochSecond > newestSecond) {
            newestSecond = epochSecond;
        }
        return i;
    }

    /** Forgets the second {@code held} of slot {@code i} (the running total keeps it). */
    private void evict(int i, long held) {
        long[] pairs = latency[i];
        if (pairs != null) {
            ranges.changed(held, pairs, -1);
        }
        requests[i] = 0;
        errors[i] = 0;
        s5xx[i] = 0;
        connections[i] = 0;
        users[i] = 0;
        timed[i] = 0;
        routerSamples[i] = 0;
        latency[i] = null;
        for (Threshold th : thresholds) {
            th.above[i] = 0;
        }
    }

    private static int kindCode(MetricKind kind) {
        return kind == MetricKind.COUNTER ? COUNTER : GAUGE;
    }

    private int ring(long epochSecond) {
        return (int) Math.floorMod(epochSecond, (long) len);
    }

    /** The slot holding {@code epochSecond} with data, or -1. */
    public int slotOf(long epochSecond) {
        int i = ring(epochSecond);
        return sec[i] == epochSecond ? i : -1;
    }

    /** The first second of {@code [from, to)} a range sees: a ring holds no more than its length. */
    private long start(long from, long to) {
        return Math.max(from, to - len);
    }

    // ---------------------------------------------------------------- per-slot figures (for rule scans)

    /** True when a router reported the second of slot {@code i}. */
    public boolean routerAt(int i) {
        return routerSamples[i] > 0;
    }

    public long requestsAt(int i) {
        return requests[i];
    }

    public long errorsAt(int i) {
        return errors[i];
    }

    public long http5xxAt(int i) {
        return s5xx[i];
    }

    public long connectionsAt(int i) {
        return connections[i];
    }

    public long usersAt(int i) {
        return users[i];
    }

    /** Timed requests of slot {@code i}. */
    public long timedAt(int i) {
        return timed[i];
    }

    /** Column ids for {@link #countAt} of the router's counters; pushed metrics get ids from {@link #column}. */
    public static final int REQUESTS = 0;
    public static final int ERRORS = 1;
    public static final int HTTP_5XX = 2;
    /** A name no second has: {@link #countAt} is 0 and {@link #hasAt} false. */
    public static final int NONE = -1;
    private static final int CUSTOM_BASE = 16;

    /**
     * The column id of a counter by canonical name: {@code requests}, {@code errors}, {@code http_5xx} are the router's,
     * anything else a pushed metric's ({@link #NONE} when it never arrived). Valid until the next sample.
     */
    public int column(String name) {
        return switch (name) {
            case "requests" -> REQUESTS;
            case "errors" -> ERRORS;
            case "http_5xx" -> HTTP_5XX;
            default -> {
                CustomColumn c = custom.get(name);
                yield c == null ? NONE : CUSTOM_BASE + c.index;
            }
        };
    }

    /** A counter of slot {@code i} by column id (a pushed metric's raw sum; 0 when absent), as {@link SecondView#count}. */
    public double countAt(int column, int i) {
        return switch (column) {
            case REQUESTS -> requests[i];
            case ERRORS -> errors[i];
            case HTTP_5XX -> s5xx[i];
            case NONE -> 0.0;
            default -> customColumns.get(column - CUSTOM_BASE).rawSum(i);
        };
    }

    /** True when the pushed metric of column {@code column} arrived in slot {@code i}'s second. */
    public boolean hasAt(int column, int i) {
        return column >= CUSTOM_BASE && customColumns.get(column - CUSTOM_BASE).kind(i) != 0;
    }

    // ---------------------------------------------------------------- latency thresholds

    private Threshold threshold(long micros) {
        for (Threshold th : thresholds) {
            if (th.micros == micros) {
                return th;
            }
        }
        if (thresholds.size() >= MAX_THRESHOLDS) {
            return null;
        }
        Threshold th = new Threshold(micros, len);
        for (int i = 0; i < len; i++) {
            th.above[i] = SparseLatency.countAbove(latency[i], micros);
        }
        thresholds.add(th);
        return th;
    }

    /**
     * Requests slower than {@code micros} in slot {@code i}'s second. The first use of a threshold starts keeping its counts
     * per second (a rule's thresholds are fixed).
     */
    public long aboveAt(long micros, int i) {
        Threshold th = threshold(micros);
        return th == null ? SparseLatency.countAbove(latency[i], micros) : th.above[i];
    }

    /** Requests slower than {@code micros} over {@code [from, to)}. */
    public long sumAbove(long micros, long from, long to) {
        Threshold th = threshold(micros);
        long sum = 0;
        for (long t = start(from, to); t < to; t++) {
            int i = ring(t);
            if (sec[i] == t) {
                sum += th == null ? SparseLatency.countAbove(latency[i], micros) : th.above[i];
            }
        }
        return sum;
    }

    /** Timed requests over {@code [from, to)}. */
    public long sumTimed(long from, long to) {
        long sum = 0;
        for (long t = start(from, to); t < to; t++) {
            int i = ring(t);
            if (sec[i] == t) {
                sum += timed[i];
            }
        }
        return sum;
    }

    // ---------------------------------------------------------------- ranges

    /** The first second any router reported this revision, or {@link Long#MAX_VALUE}. */
    public long firstRouterSecond() {
        return firstRouterSecond;
    }

    /** The first second the pushed metric {@code name} arrived, or {@link Long#MAX_VALUE}. */
    public long firstSeen(String name) {
        CustomColumn c = custom.get(name);
        return c == null ? Long.MAX_VALUE : c.firstSeen;
    }

    /** The newest second with any data, or {@link Long#MIN_VALUE}. */
    public long newestSecond() {
        return newestSecond;
    }

    /**
     * Sums the seconds {@code [from, to)} still in the ring. The latency histogram is the window's cached one for the range:
     * read it before asking this window for another range or adding to it.
     */
    public Aggregate aggregate(long from, long to) {
        return range(from, to, true);
    }

    /** Sums the seconds {@code [from, to)} without the latency histogram (counts, gauges, counters only). */
    public Aggregate counts(long from, long to) {
        return range(from, to, false);
    }

    private Aggregate range(long from, long to, boolean withLatency) {
        long start = start(from, to);
        Aggregate a = new Aggregate(this, start, to, withLatency);
        long req = 0;
        long err = 0;
        long x5 = 0;
        long con = 0;
        long usr = 0;
        int seconds = 0;
        for (long t = start; t < to; t++) {
            int i = ring(t);
            if (sec[i] == t && routerSamples[i] > 0) {
                req += requests[i];
                err += errors[i];
                x5 += s5xx[i];
                con += connections[i];
                usr += users[i];
                seconds++;
            }
        }
        a.setRouter(req, err, x5, con, usr, seconds);
        if (withLatency && start < to) {
            a.shareLatency(ranges.get(start, to));
        }
        return a;
    }

    /** A pushed metric over {@code [start, to)} in time order, as {@link Aggregate} sums seconds; null when absent. */
    Aggregate.Custom customRange(String name, long start, long to) {
        CustomColumn c = custom.get(name);
        if (c == null) {
            return null;
        }
        Aggregate.Custom agg = null;
        for (long t = start; t < to; t++) {
            int i = ring(t);
            int k = sec[i] == t ? c.kind(i) : 0;
            if (k != 0) {
                if (agg == null) {
                    agg = new Aggregate.Custom();
                }
                if (k == COUNTER) {
                    agg.counterSum += c.sum[i];
                } else {
                    agg.gaugeSum += c.value(i);
                }
                agg.seconds++;
            }
        }
        return agg;
    }

    /** Names of the pushed metrics this window has columns for. */
    Iterable<String> customNames() {
        return custom.keySet();
    }

    private void addSeconds(Histogram h, long from, long to, int sign) {
        for (long t = from; t < to; t++) {
            int i = ring(t);
            if (sec[i] == t) {
                SparseLatency.addTo(latency[i], h, sign);
            }
        }
    }

    private double cachedQuantile = Double.NaN;
    private double cachedQ = Double.NaN;
    private long cachedFrom;
    private long cachedTo;

    /**
     * A latency quantile in ms over {@code [from, to)}, reusing the value computed for a range of the same length that ended at
     * most {@code maxStaleSeconds} earlier: a reference median over five minutes barely moves in a few seconds. Empty without
     * timed requests.
     */
    public OptionalDouble quantileMillis(double q, long from, long to, int maxStaleSeconds) {
        if (q == cachedQ && to - from == cachedTo - cachedFrom && to >= cachedTo && to - cachedTo <= maxStaleSeconds) {
            return Double.isNaN(cachedQuantile) ? OptionalDouble.empty() : OptionalDouble.of(cachedQuantile);
        }
        OptionalDouble v = aggregate(from, to).latencyMillis(q);
        cachedQ = q;
        cachedFrom = from;
        cachedTo = to;
        cachedQuantile = v.isPresent() ? v.getAsDouble() : Double.NaN;
        return v;
    }

    /**
     * The value of a pushed metric in each second of {@code [from, to)}: counters their sum (0 when nothing arrived), gauges
     * their mean, carried forward from an earlier second for up to {@code staleSeconds}; NaN where a gauge had no fresh value.
     */
    public double[] series(String name, MetricKind kind, long from, long to, int staleSeconds) {
        double[] values = new double[(int) Math.max(0, to - from)];
        Arrays.fill(values, kind == MetricKind.COUNTER ? 0.0 : Double.NaN);
        CustomColumn c = custom.get(name);
        if (c == null) {
            return values;
        }
        double last = Double.NaN;
        long lastAt = Long.MIN_VALUE;
        long start = kind == MetricKind.GAUGE ? from - staleSeconds : from;
        for (long t = Math.max(start, to - len); t < to; t++) {
            int i = ring(t);
            boolean has = sec[i] == t && c.kind(i) != 0;
            if (has) {
                last = c.value(i);
                lastAt = t;
            }
            if (t >= from) {
                if (kind == MetricKind.COUNTER) {
                    values[(int) (t - from)] = has ? c.value(i) : 0.0;
                } else if (lastAt != Long.MIN_VALUE && t - lastAt <= staleSeconds) {
                    values[(int) (t - from)] = last;
                }
            }
        }
        return values;
    }

    /** What {@link #gaugeScan} found. */
    public record GaugeScan(int firstFailing, double firstFailingValue, int missing, double lastPresent,
            double lastValue) {
    }

    /**
     * A gauge's fresh values over {@code [from, to)} (as {@link #series} gives them) checked against {@code holds}, in one pass
     * without the array: the index and value of the first second whose fresh value does not hold (-1 when none), the seconds
     * without a fresh value, the last fresh value seen and the value of the range's last second (NaN when none).
     */
    public GaugeScan gaugeScan(String name, long from, long to, int staleSeconds, java.util.function.DoublePredicate holds) {
        CustomColumn c = custom.get(name);
        int n = (int) Math.max(0, to - from);
        if (c == null) {
            return new GaugeScan(-1, Double.NaN, n, Double.NaN, Double.NaN);
        }
        double last = Double.NaN;
        long lastAt = Long.MIN_VALUE;
        int firstFailing = -1;
        double failingValue = Double.NaN;
        int missing = 0;
        double lastPresent = Double.NaN;
        double value = Double.NaN;
        for (long t = Math.max(from - staleSeconds, to - len); t < to; t++) {
            int i = ring(t);
            if (sec[i] == t && c.kind(i) != 0) {
                last = c.value(i);
                lastAt = t;
            }
            if (t >= from) {
                value = lastAt != Long.MIN_VALUE && t - lastAt <= staleSeconds ? last : Double.NaN;
                if (Double.isNaN(value)) {
                    missing++;
                } else {
                    lastPresent = value;
                    if (firstFailing < 0 && !holds.test(value)) {
                        firstFailing = (int) (t - from);
                        failingValue = value;
                    }
                }
            }
        }
        // seconds before the ring's reach had no value
        missing += (int) Math.max(0, Math.min(to, to - len) - from);
        return new GaugeScan(firstFailing, failingValue, missing, lastPresent, n == 0 ? Double.NaN : value);
    }

    /**
     * Visits every second of {@code [from, to)} that is still in the ring and holds data, oldest first. The view is reused:
     * valid only during the call.
     */
    public void forEachSecond(long from, long to, Consumer<SecondView> visitor) {
        Slot view = new Slot();
        for (long t = start(from, to); t < to; t++) {
            int i = ring(t);
            if (sec[i] == t && !isEmpty(i)) {
                view.i = i;
                visitor.accept(view);
            }
        }
    }

    private boolean isEmpty(int i) {
        if (routerSamples[i] > 0) {
            return false;
        }
        for (CustomColumn c : customColumns) {
            if (c.kind(i) != 0) {
                return false;
            }
        }
        return true;
    }

    /** A slot seen as a {@link SecondView}. */
    private final class Slot implements SecondView {
        int i;

        @Override
        public long epochSecond() {
            return sec[i];
        }

        @Override
        public boolean hasRouterData() {
            return routerSamples[i] > 0;
        }

        @Override
        public long requests() {
            return requests[i];
        }

        @Override
        public long errors() {
            return errors[i];
        }

        @Override
        public long http5xx() {
            return s5xx[i];
        }

        @Override
        public long connections() {
            return connections[i];
        }

        @Override
        public long users() {
            return users[i];
        }

        @Override
        public long countAbove(long micros) {
            return SparseLatency.countAbove(latency[i], micros);
        }

        @Override
        public long timed() {
            return timed[i];
        }

        @Override
        public double count(String name) {
            return countAt(column(name), i);
        }

        @Override
        public boolean hasCustom(String name) {
            return hasAt(column(name), i);
        }
    }

    // ---------------------------------------------------------------- running total

    /** Restarts the running total at {@code epochSecond}: only seconds at or after it count. */
    public void resetCumulative(long epochSecond) {
        cumulativeSince = epochSecond;
        running = new Aggregate();
        for (CustomColumn c : customColumns) {
            c.running = null;
        }
        for (int i = 0; i < len; i++) {
            if (sec[i] != Long.MIN_VALUE && sec[i] >= epochSecond) {
                if (routerSamples[i] > 0) {
                    running.addRouterSecond(requests[i], errors[i], s5xx[i], connections[i], users[i]);
                    running.addLatency(latency[i]);
                }
                for (CustomColumn c : customColumns) {
                    int k = c.kind(i);
                    if (k != 0) {
                        running.addCustomSecond(c.name, k == COUNTER ? MetricKind.COUNTER : MetricKind.GAUGE,
                                c.value(i));
                    }
                }
            }
        }
    }

    /** The second the running total starts at, or {@link Long#MIN_VALUE} when it was never reset. */
    public long cumulativeSince() {
        return cumulativeSince;
    }

    /**
     * Everything since the last {@link #resetCumulative}, including seconds that have left the ring. The latency histogram is
     * the window's own (read-only, valid until the next sample).
     */
    public Aggregate cumulative() {
        return running.snapshot();
    }
}
