package dev.avalo.health.window;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * allocation. Latencies are kept per second as their non-empty buckets ({@link SparseLatency}), all of a window's seconds in
 * one array ({@link LatencyArena}), and incrementally:
 * <ul>
 * <li>cumulative sums per block of {@value #BLOCK} seconds of the per-second quantities that rules sum over minutes (requests,
 * errors, timed requests, requests slower than each latency threshold a rule uses, a rate's capped numerator and its
 * denominator, pushed counters and gauges), kept at ingestion ({@link Summed}), so a sum over 5 minutes reads two of them and
 * at most {@code BLOCK / 2} seconds at each end instead of 300 seconds;</li>
 * <li>a few merged histograms of recently asked ranges (the 5-minute score and relative-rule windows), moved second by second
 * by adding the entering and removing the leaving seconds' buckets, and updated when a late sample arrives
 * ({@link RangeHistograms});</li>
 * <li>the running total since the stage start, counts and histogram, updated at ingestion.</li>
 * </ul>
 * Which seconds a range sees is exactly what a scan of the ring sees: the seconds of the range still held by their slot. The
 * ring holds the seconds of {@code (newest − length, newest]}: a second leaves it when its slot is taken over or when a newer
 * second moves the ring past it, whether or not any sample arrived for the seconds in between.
 */
public final class RevisionWindow {

    /** Merged range histograms kept at most. */
    static final int MAX_RANGES = 3;

    private final String revision;
    /** The reference quantile last computed, reused for a few seconds ({@link #quantileMillis(double, long, long, int)}). */
    private final StaleQuantile reference;
    private final int len;
    /** Blocks in the ring of a {@link Summed} column: every block a range within the ring's length can reach, and two more. */
    private final int blocks;
    /** The second each slot holds, {@link Long#MIN_VALUE} for never written. */
    private final long[] sec;
    private final long[] requests;
    private final long[] errors;
    private final long[] s5xx;
    private final long[] connections;
    private final long[] users;
    private final long[] timed;
    private final int[] routerSamples;
    /** Per slot: its second's latency buckets. */
    private final LatencyArena latency;
    private final List<CustomColumn> customColumns = new ArrayList<>();
    /**
     * The hashes of {@link #customColumns}' names, by index: {@link #custom(String)} scans them (one or two cache lines)
     * instead of walking a hash map's table and nodes, which were a tenth of the health tick (JFR: memory stalls on 20,000
     * windows' small maps). The scan is bounded: pushed names are the catalog's (some twenty, {@code MetricCatalog.isPushable})
     * and {@code critical_alerts}.
     */
    private int[] customHashes = new int[8];
    /** The columns of catalog metrics by catalog position ({@link MetricCatalog#index}): most look-ups need no scan. */
    private final CustomColumn[] byCatalog = new CustomColumn[MetricCatalog.size()];
    private final List<String> customNames = new ArrayList<>();
    /** The fixed summed columns (router figures), then the derived ones in order of first use. */
    private final List<Summed> summed = new ArrayList<>();
    /** The derived summed columns, found by their key (a linear search of a few entries: no key objects built). */
    private final List<Summed> derived = new ArrayList<>();
    /** {@link #derived}'s keys as numbers ({@link #packedKey}), by index. */
    private long[] derivedKeys = new long[8];
    private final Summed requestsSum;
    private final Summed errorsSum;
    private final Summed s5xxSum;
    private final Summed connectionsSum;
    private final Summed usersSum;
    private final Summed timedSum;
    private final Summed routerSecondsSum;
    /** Scratch for the values of the summed columns of a slot before it changes. */
    private long[] before = new long[16];
    private final RangeHistograms ranges = new RangeHistograms(MAX_RANGES, this::addSeconds);
    private long firstRouterSecond = Long.MAX_VALUE;
    private long newestSecond = Long.MIN_VALUE;
    private long cumulativeSince = Long.MIN_VALUE;
    /** Everything since {@link #cumulativeSince}, kept up to date at ingestion. */
    private Aggregate running = new Aggregate();

    /**
     * A pushed metric's column: per slot the sum of the values that arrived and how many (negative for a counter, positive for
     * a gauge), cleared when the ring evicts the slot's second. (A third column saying which second a slot's figures belong to
     * spared that clearing, but cost 4 bytes per second per metric per revision: about 1 GiB at 10,000 canaries.)
     */
    private final class CustomColumn {
        final String name;
        final int index;
        final double[] sum;
        final int[] count;
        long firstSeen = Long.MAX_VALUE;
        /** The running total's figures of this metric (null until needed, and after a reset). */
        Aggregate.Custom running;
        /** Its counter, gauge and presence block sums for {@link #customRange}, once all three exist. */
        Summed counterPart;
        Summed gaugePart;
        Summed presentPart;
        /** The summed columns a value of this metric can change, for {@link #summed} of {@link #dependentsOf} columns. */
        Summed[] dependents;
        int dependentsOf = -1;

        CustomColumn(String name, int index, int len) {
            this.name = name;
            this.index = index;
            this.sum = new double[len];
            this.count = new int[len];
        }

        /** 0 when nothing arrived for slot {@code i}'s second, else {@link #COUNTER} or {@link #GAUGE}. */
        int kind(int i) {
            int n = count[i];
            if (n == 0) {
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

    /** Seconds per block of a {@link Summed} column. */
    static final int BLOCK = 4;
    /** Derived summed columns kept at most; further quantities are answered by scanning the seconds. */
    static final int MAX_DERIVED = 40;
    /** Largest magnitude of a pushed value kept in a summed column: 660 of them still add up exactly in a double. */
    private static final double MAX_EXACT = 0x1p43;

    /**
     * A per-second quantity of the held seconds (a function of the slot's figures) with its cumulative sums per block of
     * {@link #BLOCK} seconds (block {@code b} is the seconds {@code [b × BLOCK, (b + 1) × BLOCK)}): {@code cum} at block
     * {@code b}'s ring position is the sum of every value added to a second of block {@code b} or an earlier one, nothing ever
     * taken out. The ring holds every block from {@link #blocks} − 1 before the newest second's block to it, each carried on
     * from the one before when the newest second moves into a new block. A second within the ring's length of the newest one is
     * never evicted, so the difference of two cumulative sums over blocks inside that span is exactly the sum of their held
     * seconds: a range sum reads two of them, each corrected by at most {@code BLOCK / 2} seconds at its end of the range, and
     * the sum up to the range's end is kept for the next range with the same end (the rules of one tick share it). Seconds
     * older than that span are summed second by second (none is held since a skipped second's slot is freed as the ring moves
     * past it; the scan stays as the safe answer). A range sum therefore equals a scan of the held seconds. Pushed (double)
     * values are kept only while every value is a whole number below 2^43, so that their sums are exact and equal to a scan's
     * in any order; otherwise {@link #exact} turns false and callers scan.
     */
    abstract class Summed {
        final long[] cum = new long[blocks];
        /** Changes of {@link #cum} so far (keeps {@link #memoPrefix} honest). */
        private long changes;
        /** The cumulative sum up to {@link #memoTo}, as it was after {@link #memoChanges} changes. */
        private long memoTo = Long.MIN_VALUE;
        private long memoChanges = -1;
        private long memoPrefix;
        boolean exact = true;
        /** A derived column's key (see {@link #derived}). */
        int type;
        String a;
        String b;
        long x;

        /** The value of slot {@code i} (for the second it holds). */
        abstract long at(int i);

        /**
         * Whether a router sample ({@code name} null) or a value of the pushed metric {@code name} can change {@link #at}.
         */
        boolean dependsOn(String name) {
            return name == null;
        }

        /**
         * Adds {@code delta} to a second of block {@code b} (a block the ring holds): to its cumulative sum and every later
         * one.
         */
        final void addFrom(long b, long delta) {
            changes++;
            long last = blockOf(newestSecond);
            int j = position(b);
            for (long k = b; k <= last; k++) {
                cum[j] += delta;
                if (++j == blocks) {
                    j = 0;
                }
            }
        }

        /** The blocks after {@code from} up to {@code to} (the newest second moved on) start with {@code from}'s sum. */
        final void carry(long from, long to) {
            changes++;
            long carried = cum[position(from)];
            long n = Math.min(to - from, blocks);
            int j = position(to);
            for (long k = 0; k < n; k++) {
                cum[j] = carried;
                if (--j < 0) {
                    j = blocks - 1;
                }
            }
        }

        /** The sum of the held seconds of {@code [from, to)}, second by second. */
        private long held(long from, long to) {
            long sum = 0;
            int i = ring(from);
            for (long t = from; t < to; t++) {
                if (sec[i] == t) {
                    sum += at(i);
                }
                if (++i == len) {
                    i = 0;
                }
            }
            return sum;
        }

        /**
         * The sum of the held seconds of {@code [from, to)}, as a scan of the ring sees them: the difference of the cumulative
         * sums up to its two ends ({@link #prefix}); seconds older than the ring's span (none is held now, see above) one by
         * one.
         */
        final long sum(long from, long to) {
            long t = start(from, to);
            to = Math.min(to, newestSecond + 1);
            if (t >= to) {
                return 0;
            }
            long sum = 0;
            long spanStart = newestSecond - len + 1;
            if (t < spanStart) {
                long e = Math.min(spanStart, to);
                sum += held(t, e); // held seconds older than the ring's span: not in the cumulative sums
                t = e;
                if (t >= to) {
                    return sum;
                }
            }
            if (to != memoTo || changes != memoChanges) {
                // the rules of one tick share their end: the end's cumulative sum is kept until the column changes
                memoPrefix = prefix(to, spanStart);
                memoTo = to;
                memoChanges = changes;
            }
            return sum + memoPrefix - prefix(t, spanStart);
        }

        /**
         * Everything added to the seconds before {@code t} on the scale of {@link #cum}, for a second boundary {@code t} from
         * the ring's span start to the newest second + 1: the cumulative sum of {@code t}'s block less its seconds from
         * {@code t} on (all held, or after the newest second and empty), or, when fewer and the block lies wholly inside the
         * span, the block before's plus its seconds before {@code t} (at most {@code BLOCK / 2} seconds either way).
         */
        private long prefix(long t, long spanStart) {
            long b = blockOf(t);
            long first = b * BLOCK;
            if (first == t) {
                return cum[position(b - 1)];
            }
            long end = Math.min(first + BLOCK, newestSecond + 1);
            if (first >= spanStart && t - first < end - t) {
                return cum[position(b - 1)] + held(first, t);
            }
            return cum[position(b)] - held(t, end);
        }

        /**
         * Builds the cumulative sums from the held seconds of the ring's span (a column created after data arrived); every held
         * value is read, so that {@link #exact} covers the older seconds a range may still scan.
         */
        final void init() {
            changes++;
            if (newestSecond == Long.MIN_VALUE) {
                return;
            }
            long spanStart = newestSecond - len + 1;
            for (int i = 0; i < len; i++) {
                if (sec[i] != Long.MIN_VALUE) {
                    long v = at(i);
                    if (sec[i] >= spanStart) {
                        cum[position(blockOf(sec[i]))] += v; // each block's own sum first
                    }
                }
            }
            long last = blockOf(newestSecond);
            long running = 0;
            for (long k = last - blocks + 1; k <= last; k++) {
                int j = position(k);
                running += cum[j];
                cum[j] = running;
            }
        }
    }

    /** A router figure's column. */
    private final class RawSum extends Summed {
        final long[] column;

        RawSum(long[] column) {
            this.column = column;
        }

        @Override
        long at(int i) {
            return column[i];
        }
    }

    /** Requests slower than {@code micros}. */
    private final class AboveSum extends Summed {
        final long micros;

        AboveSum(long micros) {
            this.micros = micros;
        }

        @Override
        long at(int i) {
            return latency.countAbove(i, micros);
        }
    }

    /**
     * A pushed metric's per-second figure: {@code RAW} its sum (0 when absent, as {@link #countAt}), {@code COUNTER_PART} the
     * sum of a second it came as a counter, {@code GAUGE_PART} the mean of a second it came as a gauge, {@code PRESENT} 1 for a
     * second it arrived in.
     */
    private final class CustomSum extends Summed {
        static final int RAW = 0;
        static final int COUNTER_PART = 1;
        static final int GAUGE_PART = 2;
        static final int PRESENT = 3;
        final String name;
        final int part;
        CustomColumn column;

        CustomSum(String name, int part) {
            this.name = name;
            this.part = part;
            this.column = custom(name);
        }

        @Override
        boolean dependsOn(String metric) {
            return name.equals(metric);
        }

        @Override
        long at(int i) {
            CustomColumn c = column;
            if (c == null) {
                c = column = custom(name);
                if (c == null) {
                    return 0;
                }
            }
            int k = c.kind(i);
            if (k == 0) {
                return 0;
            }
            double v = switch (part) {
                case RAW -> c.sum[i];
                case COUNTER_PART -> k == COUNTER ? c.sum[i] : 0.0;
                case GAUGE_PART -> k == GAUGE ? c.value(i) : 0.0;
                default -> 1.0;
            };
            long l = (long) v;
            if (l != v || Math.abs(v) >= MAX_EXACT) {
                exact = false;
            }
            return l;
        }
    }

    /**
     * A rate's per-second numerator, capped at its denominator (its complement when asked), or its denominator: the figures a
     * rate rule sums, read as {@link #countAt} gives them.
     */
    private final class RateSum extends Summed {
        final String numerator;
        final String denominator;
        final boolean complement;
        final boolean denominatorOnly;

        RateSum(String numerator, String denominator, boolean complement, boolean denominatorOnly) {
            this.numerator = numerator;
            this.denominator = denominator;
            this.complement = complement;
            this.denominatorOnly = denominatorOnly;
            this.numRouter = routerColumn(numerator);
            this.denRouter = routerColumn(denominator);
        }

        @Override
        boolean dependsOn(String metric) {
            return metric == null
                    ? numRouter != null || denRouter != null
                    : numRouter == null && metric.equals(numerator) || denRouter == null && metric.equals(denominator);
        }

        /** The router's column of a name, or null for a pushed metric. */
        private long[] routerColumn(String name) {
            return switch (name) {
                case "requests" -> requests;
                case "errors" -> errors;
                case "http_5xx" -> s5xx;
                default -> null;
            };
        }

        private final long[] numRouter;
        private final long[] denRouter;
        private CustomColumn numCustom;
        private CustomColumn denCustom;
        /** How many pushed metrics the window had when a missing pushed name was last looked up. */
        private int looked = -1;

        /** {@link #countAt} of slot {@code i} for {@code name}: its router column, its pushed column, or 0. */
        private double count(long[] router, CustomColumn pushed, int i) {
            return router != null ? router[i] : pushed == null ? 0.0 : pushed.rawSum(i);
        }

        @Override
        long at(int i) {
            if ((numRouter == null && numCustom == null || denRouter == null && denCustom == null)
                    && looked != customColumns.size()) {
                looked = customColumns.size();
                numCustom = numRouter == null ? custom(numerator) : null;
                denCustom = denRouter == null ? custom(denominator) : null;
            }
            long n = (long) count(denRouter, denCustom, i);
            if (denominatorOnly) {
                return n;
            }
            long k = Math.min(n, (long) count(numRouter, numCustom, i));
            return complement ? n - k : k;
        }
    }

    public RevisionWindow(String revision, int retentionSeconds) {
        this(revision, retentionSeconds, revision.hashCode());
    }

    /**
     * @param spreadSeed
     *            sets the seconds on which this window's cached reference quantile is recomputed ({@link StaleQuantile}):
     *            windows with different seeds (a service's, environment's and revision's names) recompute on different seconds
     */
    public RevisionWindow(String revision, int retentionSeconds, int spreadSeed) {
        if (retentionSeconds < 60) {
            throw new IllegalArgumentException("retention must be at least 60 s, got " + retentionSeconds);
        }
        this.revision = revision;
        this.reference = new StaleQuantile(spreadSeed);
        this.len = retentionSeconds;
        this.blocks = (len + BLOCK - 1) / BLOCK + 3;
        this.sec = new long[len];
        Arrays.fill(sec, Long.MIN_VALUE);
        this.requests = new long[len];
        this.errors = new long[len];
        this.s5xx = new long[len];
        this.connections = new long[len];
        this.users = new long[len];
        this.timed = new long[len];
        this.routerSamples = new int[len];
        this.latency = new LatencyArena(len);
        this.requestsSum = fixed(new RawSum(requests));
        this.errorsSum = fixed(new RawSum(errors));
        this.s5xxSum = fixed(new RawSum(s5xx));
        this.connectionsSum = fixed(new RawSum(connections));
        this.usersSum = fixed(new RawSum(users));
        this.timedSum = fixed(new RawSum(timed));
        this.routerSecondsSum = fixed(new Summed() {
            @Override
            long at(int i) {
                return routerSamples[i] > 0 ? 1 : 0;
            }
        });
    }

    private Summed fixed(Summed s) {
        summed.add(s);
        return s;
    }

    /**
     * The derived summed column of a key (a kind, two metric names, a number), or null when it does not exist yet. The keys of
     * catalog names are packed into {@link #derivedKeys} and found by scanning those numbers alone, instead of reading each
     * column object's four fields (and comparing names) for every sum a rule asks for.
     */
    private Summed findDerived(int type, String a, String b, long x) {
        long key = packedKey(type, a, b, x);
        if (key >= 0) {
            long[] keys = derivedKeys;
            for (int k = 0, n = derived.size(); k < n; k++) {
                if (keys[k] == key) {
                    return derived.get(k);
                }
            }
            return null;
        }
        for (int k = 0, n = derived.size(); k < n; k++) {
            Summed s = derived.get(k);
            if (s.type == type && s.x == x && java.util.Objects.equals(s.a, a) && java.util.Objects.equals(s.b, b)) {
                return s;
            }
        }
        return null;
    }

    /**
     * The key as one number: the kind, the catalog positions of the names (0 for none) and the number, or -1 when a name is not
     * in the catalog or the number does not fit (such keys are compared field by field).
     */
    private static long packedKey(int type, String a, String b, long x) {
        int ia = a == null ? 0 : MetricCatalog.index(a) + 1;
        int ib = b == null ? 0 : MetricCatalog.index(b) + 1;
        if (a != null && ia == 0 || b != null && ib == 0 || ia > 0xFF || ib > 0xFF || x < 0 || x >= 1L << 44) {
            return -1;
        }
        return (long) type << 60 | (long) ia << 52 | (long) ib << 44 | x;
    }

    /** Whether {@link #MAX_DERIVED} columns exist: further quantities are answered by scanning (callers check first). */
    private boolean derivedFull() {
        return derived.size() >= MAX_DERIVED;
    }

    /** Adds {@code s} as the derived summed column of its key (built from the held seconds); not past {@link #MAX_DERIVED}. */
    private Summed addDerived(Summed s, int type, String a, String b, long x) {
        s.type = type;
        s.a = a;
        s.b = b;
        s.x = x;
        s.init();
        int k = derived.size();
        if (k == derivedKeys.length) {
            derivedKeys = Arrays.copyOf(derivedKeys, k * 2);
        }
        derivedKeys[k] = packedKey(type, a, b, x);
        derived.add(s);
        summed.add(s);
        return s;
    }

    // the kinds of derived columns (their key: kind, two names, a number)
    private static final int ABOVE = 1;
    private static final int RATE_N = 2;
    private static final int RATE_K = 3;
    private static final int CUSTOM = 4;

    /** The summed columns a router sample can change, for {@link #summed} of {@link #routerDependentsOf} columns. */
    private Summed[] routerDependents;
    private int routerDependentsOf = -1;
    /** The summed columns the change under way touches (set by {@link #beforeChange}). */
    private Summed[] changing;

    /** The summed columns a router sample ({@code c} null) or a value of the pushed metric {@code c} can change. */
    private Summed[] dependents(CustomColumn c) {
        int n = summed.size(); // columns are only ever added: the count tells whether a list is current
        if (c == null ? routerDependentsOf == n : c.dependentsOf == n) {
            return c == null ? routerDependents : c.dependents;
        }
        String name = c == null ? null : c.name;
        Summed[] out = summed.stream().filter(s -> s.dependsOn(name)).toArray(Summed[]::new);
        if (c == null) {
            routerDependents = out;
            routerDependentsOf = n;
        } else {
            c.dependents = out;
            c.dependentsOf = n;
        }
        return out;
    }

    /**
     * Notes the values of slot {@code i} before a router sample ({@code c} null) or a pushed value of {@code c} changes it, of
     * the summed columns that depend on it.
     */
    private void beforeChange(int i, CustomColumn c) {
        changing = dependents(c);
        int n = changing.length;
        if (before.length < n) {
            before = new long[n * 2];
        }
        for (int k = 0; k < n; k++) {
            before[k] = changing[k].at(i);
        }
    }

    /**
     * Adds the change of slot {@code i} (holding {@code second}, a second within the ring's span) since {@link #beforeChange}
     * to the summed columns that depend on it.
     */
    private void afterChange(int i, long second) {
        long b = blockOf(second);
        Summed[] cols = changing;
        for (int k = 0; k < cols.length; k++) {
            long delta = cols[k].at(i) - before[k];
            if (delta != 0) {
                cols[k].addFrom(b, delta);
            }
        }
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
        beforeChange(i, null);
        this.requests[i] += requests;
        this.errors[i] += errors;
        this.s5xx[i] += s5xx;
        this.connections[i] += connections;
        this.users[i] += users;
        routerSamples[i]++;
        long[] buckets = null; // this thread's scratch (SparseLatency.of): read below before any other sample's
        if (latency != null && latency.getTotalCount() > 0) {
            buckets = SparseLatency.of(latency);
            this.latency.add(i, buckets, 0);
            this.timed[i] += SparseLatency.total(buckets, 0);
            ranges.changed(epochSecond, buckets, 0, 1);
        }
        afterChange(i, epochSecond);
        if (epochSecond >= cumulativeSince) {
            if (firstSample) {
                running.addRouterSecond(requests, errors, s5xx, connections, users);
            } else {
                running.addRouterFigures(requests, errors, s5xx, connections, users);
            }
            if (buckets != null) {
                running.addLatency(buckets, 0);
            }
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
        CustomColumn c = custom(name);
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
            // the canonical instance: lookups by the catalog's names (constants) then match by identity, not by reading the key
            c = new CustomColumn(name.intern(), customColumns.size(), len);
            if (c.index == customHashes.length) {
                customHashes = Arrays.copyOf(customHashes, c.index * 2);
            }
            customHashes[c.index] = c.name.hashCode();
            customColumns.add(c);
            int id = MetricCatalog.index(c.name);
            if (id >= 0) {
                byCatalog[id] = c;
            }
            customNames.add(c.name);
        }
        int k = c.kind(i);
        int before = k == 0 ? 0 : Math.abs(c.count[i]);
        double sumBefore = k == 0 ? 0.0 : c.sum[i];
        beforeChange(i, c);
        c.sum[i] = sumBefore + value;
        c.count[i] = kind == MetricKind.COUNTER ? -(before + 1) : before + 1;
        afterChange(i, epochSecond);
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
            if (newestSecond != Long.MIN_VALUE) {
                // the seconds skipped (no sample arrived for them) leave the ring too: the seconds their slots still hold are
                // now older than it holds, and are forgotten as a taken-over slot's is. Kept, a quiet revision's (a canary at
                // 1 % of a few requests a second has most seconds empty) held latency buckets a whole ring longer and kept
                // the arena's tail back, so that it was compacted into a new array over and over (analysis.md, 2026-11-29
                // evening). The rules never read them: their ranges end at the tick and are shorter than the ring
                for (long s = Math.max(newestSecond + 1, epochSecond - len + 1); s < epochSecond; s++) {
                    int j = ring(s);
                    long stale = sec[j];
                    if (stale != Long.MIN_VALUE) {
                        evict(j, stale);
                        sec[j] = Long.MIN_VALUE;
                    }
                }
            }
            if (newestSecond != Long.MIN_VALUE && blockOf(epochSecond) != blockOf(newestSecond)) {
                // the blocks the newest second moves over start from the sums so far
                long from = blockOf(newestSecond);
                long to = blockOf(epochSecond);
                for (int k = 0, n = summed.size(); k < n; k++) {
                    summed.get(k).carry(from, to);
                }
            }
            newestSecond = epochSecond;
        }
        return i;
    }

    /** Forgets the second {@code held} of slot {@code i} (the running total keeps it). */
    private void evict(int i, long held) {
        // the summed columns need nothing: a second taken over is older than the span of their cumulative sums
        latency.addTo(i, ranges, held, -1);
        requests[i] = 0;
        errors[i] = 0;
        s5xx[i] = 0;
        connections[i] = 0;
        users[i] = 0;
        timed[i] = 0;
        routerSamples[i] = 0;
        latency.clear(i);
        for (int k = 0, n = customColumns.size(); k < n; k++) {
            CustomColumn c = customColumns.get(k);
            c.count[i] = 0;
            c.sum[i] = 0.0;
        }
    }

    private static int kindCode(MetricKind kind) {
        return kind == MetricKind.COUNTER ? COUNTER : GAUGE;
    }

    /** The block holding {@code epochSecond}. */
    private static long blockOf(long epochSecond) {
        return Math.floorDiv(epochSecond, (long) BLOCK);
    }

    /** The ring position of block {@code b} in every summed column. */
    private int position(long b) {
        return (int) Math.floorMod(b, (long) blocks);
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
                CustomColumn c = custom(name);
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

    /** Requests slower than {@code micros} in slot {@code i}'s second. */
    public long aboveAt(long micros, int i) {
        return latency.countAbove(i, micros);
    }

    /**
     * Requests slower than {@code micros} over {@code [from, to)}. The first use of a threshold starts keeping its block sums
     * (a rule's thresholds are fixed).
     */
    public long sumAbove(long micros, long from, long to) {
        Summed th = findDerived(ABOVE, null, null, micros);
        if (th == null && !derivedFull()) {
            th = addDerived(new AboveSum(micros), ABOVE, null, null, micros);
        }
        if (th != null) {
            return th.sum(from, to);
        }
        long sum = 0;
        for (long t = start(from, to); t < to; t++) {
            int i = ring(t);
            if (sec[i] == t) {
                sum += latency.countAbove(i, micros);
            }
        }
        return sum;
    }

    /**
     * A router counter ({@link #REQUESTS}, {@link #ERRORS}, {@link #HTTP_5XX}) over {@code [from, to)} and the seconds a router
     * reported in it; null for another column.
     */
    public long[] sumRouterCounter(int column, long from, long to) {
        Summed sum = switch (column) {
            case REQUESTS -> requestsSum;
            case ERRORS -> errorsSum;
            case HTTP_5XX -> s5xxSum;
            default -> null;
        };
        return sum == null ? null : new long[]{sum.sum(from, to), routerSecondsSum.sum(from, to)};
    }

    /** Timed requests over {@code [from, to)}. */
    public long sumTimed(long from, long to) {
        return timedSum.sum(from, to);
    }

    /**
     * A rate's figures over {@code [from, to)} as a rule sums them second by second: {k, n} with n the denominator's count
     * ({@link #countAt}, truncated to a whole number per second) and k the numerator's, capped at n per second (n − k when
     * {@code complement}); null past {@link #MAX_DERIVED} columns (the caller scans).
     */
    public long[] sumRate(String numerator, String denominator, boolean complement, long from, long to) {
        Summed n = findDerived(RATE_N, null, denominator, 0);
        if (n == null && !derivedFull()) {
            n = addDerived(new RateSum(numerator, denominator, false, true), RATE_N, null, denominator, 0);
        }
        int x = complement ? 1 : 0;
        Summed k = findDerived(RATE_K, numerator, denominator, x);
        if (k == null && !derivedFull()) {
            k = addDerived(new RateSum(numerator, denominator, complement, false), RATE_K, numerator, denominator, x);
        }
        if (n == null || k == null) {
            return null;
        }
        return new long[]{k.sum(from, to), n.sum(from, to)};
    }

    /**
     * A pushed metric's raw sum ({@link #countAt}) over {@code [from, to)} and the number of seconds it arrived in; null when
     * its values are not all whole numbers (or past {@link #MAX_DERIVED} columns): the caller scans.
     */
    public long[] sumCustom(String name, long from, long to) {
        Summed raw = customSum(name, CustomSum.RAW);
        Summed present = customSum(name, CustomSum.PRESENT);
        if (raw == null || present == null || !raw.exact) {
            return null;
        }
        return new long[]{raw.sum(from, to), present.sum(from, to)};
    }

    /** The summed column of one part of the pushed metric {@code name} ({@link CustomSum}), created on first use. */
    private Summed customSum(String name, int part) {
        Summed s = findDerived(CUSTOM, name, null, part);
        return s != null || derivedFull() ? s : addDerived(new CustomSum(name, part), CUSTOM, name, null, part);
    }

    // ---------------------------------------------------------------- ranges

    /** The first second any router reported this revision, or {@link Long#MAX_VALUE}. */
    public long firstRouterSecond() {
        return firstRouterSecond;
    }

    /** The first second the pushed metric {@code name} arrived, or {@link Long#MAX_VALUE}. */
    public long firstSeen(String name) {
        CustomColumn c = custom(name);
        return c == null ? Long.MAX_VALUE : c.firstSeen;
    }

    /** The newest second with any data, or {@link Long#MIN_VALUE}. */
    public long newestSecond() {
        return newestSecond;
    }

    /** Times the latency buckets' array was replaced (for tests). */
    int latencyCompactions() {
        return latency.compactions();
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
        // the router sums are read when first asked for, each on its own (routerSum)
        Aggregate a = new Aggregate(this, start, to, withLatency);
        if (withLatency && start < to) {
            a.shareLatency(ranges.get(start, to));
        }
        return a;
    }

    /**
     * A router figure ({@link Aggregate#REQUESTS} …) summed over {@code [start, to)}. A second without router samples has zero
     * router figures, so the block sums over the held seconds are the sums over the seconds routers reported.
     */
    long routerSum(int figure, long start, long to) {
        Summed s = switch (figure) {
            case Aggregate.REQUESTS -> requestsSum;
            case Aggregate.ERRORS -> errorsSum;
            case Aggregate.S5XX -> s5xxSum;
            case Aggregate.CONNECTIONS -> connectionsSum;
            case Aggregate.USERS -> usersSum;
            case Aggregate.SECONDS -> routerSecondsSum;
            default -> throw new IllegalArgumentException("no router figure " + figure);
        };
        return s.sum(start, to);
    }

    /** A pushed metric over {@code [start, to)} in time order, as {@link Aggregate} sums seconds; null when absent. */
    Aggregate.Custom customRange(String name, long start, long to) {
        CustomColumn c = custom(name);
        if (c == null) {
            return null;
        }
        Summed counter = c.counterPart;
        Summed gauge = c.gaugePart;
        Summed present = c.presentPart;
        if (present == null) {
            // found among the derived columns by a scan of names: kept on the column once all three exist
            counter = customSum(name, CustomSum.COUNTER_PART);
            gauge = customSum(name, CustomSum.GAUGE_PART);
            present = customSum(name, CustomSum.PRESENT);
            if (counter != null && gauge != null && present != null) {
                c.counterPart = counter;
                c.gaugePart = gauge;
                c.presentPart = present;
            }
        }
        if (counter != null && gauge != null && present != null && counter.exact && gauge.exact) {
            long seconds = present.sum(start, to);
            if (seconds == 0) {
                return null;
            }
            return new Aggregate.Custom((int) seconds, counter, gauge, start, to);
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
        return java.util.Collections.unmodifiableList(customNames);
    }

    /** The column of the pushed metric {@code name}, or null when none arrived. */
    private CustomColumn custom(String name) {
        int id = MetricCatalog.index(name);
        if (id >= 0) {
            return byCatalog[id];
        }
        int h = name.hashCode();
        int[] hashes = customHashes;
        for (int k = 0, n = customColumns.size(); k < n; k++) {
            if (hashes[k] == h) {
                CustomColumn c = customColumns.get(k);
                if (c.name == name || c.name.equals(name)) {
                    return c;
                }
            }
        }
        return null;
    }

    private void addSeconds(Histogram h, long from, long to, int sign) {
        for (long t = from; t < to; t++) {
            int i = ring(t);
            if (sec[i] == t) {
                latency.addTo(i, h, sign);
            }
        }
    }

    /**
     * A latency quantile in ms over {@code [from, to)}, reusing the value computed for a range of the same length that ended at
     * most {@code maxStaleSeconds} earlier, on a second of its own ({@link StaleQuantile}): a reference median over five
     * minutes barely moves in a few seconds. Empty without timed requests.
     */
    public OptionalDouble quantileMillis(double q, long from, long to, int maxStaleSeconds) {
        if (reference.reusable(q, from, to, maxStaleSeconds)) {
            return reference.value();
        }
        OptionalDouble v = aggregate(from, to).latencyMillis(q);
        reference.store(q, from, to, v);
        return v;
    }

    /**
     * The value of a pushed metric in each second of {@code [from, to)}: counters their sum (0 when nothing arrived), gauges
     * their mean, carried forward from an earlier second for up to {@code staleSeconds}; NaN where a gauge had no fresh value.
     */
    public double[] series(String name, MetricKind kind, long from, long to, int staleSeconds) {
        double[] values = new double[(int) Math.max(0, to - from)];
        Arrays.fill(values, kind == MetricKind.COUNTER ? 0.0 : Double.NaN);
        CustomColumn c = custom(name);
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
        CustomColumn c = custom(name);
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
     * {@link #gaugeScan} for a caller that stops at the first second whose fresh value does not hold: when there is one, its
     * index and value and the range's last value, exactly as {@link #gaugeScan} gives them, but without the missing seconds
     * ({@code -1}) and the last fresh value (NaN), found by reading only up to that second and back from the range's end; null
     * when every fresh value holds (the caller then needs {@link #gaugeScan}).
     */
    public GaugeScan gaugeFirstFailing(String name, long from, long to, int staleSeconds,
            java.util.function.DoublePredicate holds) {
        CustomColumn c = custom(name);
        if (c == null) {
            return null;
        }
        long lo = Math.max(from - staleSeconds, to - len);
        double last = Double.NaN;
        long lastAt = Long.MIN_VALUE;
        // the value carried into the range: the newest of the seconds before it that the scan would have seen
        for (long u = Math.min(from, to) - 1; u >= lo; u--) {
            int i = ring(u);
            if (sec[i] == u && c.kind(i) != 0) {
                last = c.value(i);
                lastAt = u;
                break;
            }
        }
        for (long t = Math.max(from, lo); t < to; t++) {
            int i = ring(t);
            if (sec[i] == t && c.kind(i) != 0) {
                last = c.value(i);
                lastAt = t;
            }
            double value = lastAt != Long.MIN_VALUE && t - lastAt <= staleSeconds ? last : Double.NaN;
            if (!Double.isNaN(value) && !holds.test(value)) {
                return new GaugeScan((int) (t - from), value, -1, Double.NaN, gaugeLast(name, from, to, staleSeconds));
            }
        }
        return null;
    }

    /**
     * The fresh value of a gauge in the last second of {@code [from, to)} as {@link #gaugeScan} gives it ({@code lastValue}),
     * reading back from the range's end at most {@code staleSeconds}: NaN when none.
     */
    public double gaugeLast(String name, long from, long to, int staleSeconds) {
        if (to <= from) {
            return Double.NaN;
        }
        return latestValue(name, Math.max(from - staleSeconds, to - 1 - staleSeconds), to);
    }

    /**
     * The value ({@code value(i)}: a gauge's mean, a counter's sum) of the pushed metric {@code name} in the newest second of
     * {@code [from, to)} the ring holds it for, reading back from the end; NaN when none.
     */
    public double latestValue(String name, long from, long to) {
        CustomColumn c = custom(name);
        if (c == null) {
            return Double.NaN;
        }
        for (long u = to - 1; u >= Math.max(from, to - len); u--) {
            int i = ring(u);
            if (sec[i] == u && c.kind(i) != 0) {
                return c.value(i);
            }
        }
        return Double.NaN;
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
            return latency.countAbove(i, micros);
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
                    latency.addTo(i, running);
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
     * Everything since the last {@link #resetCumulative}, including seconds that have left the ring: the window's own running
     * total, not a copy (its public API only reads; read it before the next sample, which adds to it). A copy per assessment
     * (its map of pushed figures and each figure) was 2–3 % of the health tick.
     */
    public Aggregate cumulative() {
        return running;
    }
}
