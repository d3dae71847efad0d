package dev.avalo.health.rule;

import java.time.Instant;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.DoublePredicate;

import org.HdrHistogram.Histogram;

import dev.avalo.health.format.Fixed;
import dev.avalo.health.rule.Condition.CountInWindow;
import dev.avalo.health.rule.Condition.Direction;
import dev.avalo.health.rule.Condition.Reference;
import dev.avalo.health.rule.Condition.Relative;
import dev.avalo.health.rule.Condition.Threshold;
import dev.avalo.health.rule.RuleResult.Status;
import dev.avalo.health.stats.Proportion;
import dev.avalo.health.window.Aggregate;
import dev.avalo.health.window.Histograms;
import dev.avalo.health.window.MetricCatalog;
import dev.avalo.health.window.MetricCatalog.Metric;
import dev.avalo.health.window.MetricCatalog.Type;
import dev.avalo.health.window.RevisionWindow;
import dev.avalo.health.window.RevisionWindow.GaugeScan;

/**
 * Evaluates one rule against the windows. Stateless: the caller keeps "since" across evaluations.
 * <p>
 * Rates and latency quantiles are judged as proportions with the configured confidence interval (Wilson 95 % by default): a
 * quantile is above {@code T} exactly when more than {@code 1 − q} of the requests are slower than {@code T}, so "p95 &gt; 1200
 * ms" is "more than 5 % of requests slower than 1200 ms". A breach needs the whole interval past the threshold; a handful of
 * requests therefore decides nothing. A sustained rule ({@code for D}) needs data covering all of {@code D}, the interval over
 * {@code D} past the threshold, and no slice of {@code D} (leading, trailing or in between, each {@code resolution} long)
 * confidently on the good side — so a 2.9-minute episode does not satisfy "for 3m" when the data can tell.
 */
public final class RuleEvaluator {

    /** Metrics that add up across revisions, so service totals and per-traffic-share comparisons make sense. */
    private static final Set<String> ADDITIVE = Set.of("active_users", "concurrent_connections", "throughput_rps");

    /** Metrics the routers' samples provide when nothing is pushed under that name. */
    private static final Set<String> ROUTER_DERIVED = Set.of("requests", "errors", "http_5xx", "throughput_rps",
            "active_users", "concurrent_connections");

    /** How old a stable reference quantile may be (it is computed over minutes). */
    private static final int REFERENCE_STALE_SECONDS = 5;

    private final RuleSettings settings;
    /** See {@link #breachesOnly()}. */
    private final boolean breachesOnly;

    public RuleEvaluator(RuleSettings settings) {
        this(settings, false);
    }

    private RuleEvaluator(RuleSettings settings, boolean breachesOnly) {
        this.settings = settings;
        this.breachesOnly = breachesOnly;
    }

    /**
     * An evaluator for the every-second check, which wants to know only whether each rule is breached and since when: its
     * results without details have exactly this evaluator's BREACHED and "since", but a judged proportion that is not
     * confidently past its threshold is left UNKNOWN without working out whether it is confidently inside it (OK). That second
     * bound is the costlier one for a healthy canary (the exact bound of a handful of events), and nothing reads it there: a
     * report's rules are decided again by the full evaluator. With details its results are the full evaluator's.
     */
    public RuleEvaluator breachesOnly() {
        return new RuleEvaluator(settings, true);
    }

    public RuleSettings settings() {
        return settings;
    }

    /** Evaluates {@code rule} at {@code ctx.end()}. */
    public RuleResult evaluate(RuleDefinition rule, EvaluationContext ctx) {
        return evaluate(rule, ctx, true);
    }

    /**
     * Evaluates {@code rule} at {@code ctx.end()}; without {@code details} the result's status and {@code since} are the same,
     * but the sentence is left empty and a quantile rule's observed value and bounds (which only a report shows) are not
     * computed: the every-second check of thousands of canaries needs only the statuses.
     */
    public RuleResult evaluate(RuleDefinition rule, EvaluationContext ctx, boolean details) {
        Condition c = rule.condition();
        if (c instanceof Threshold t) {
            return threshold(rule, t, ctx, details);
        }
        if (c instanceof CountInWindow w) {
            return count(rule, w.metric(), w.op(), w.value(), (int) w.window().toSeconds(), false, ctx, details);
        }
        return relative(rule, (Relative) c, ctx, details);
    }

    // ---------------------------------------------------------------- thresholds

    private RuleResult threshold(RuleDefinition rule, Threshold t, EvaluationContext ctx, boolean details) {
        RevisionWindow w = ctx.canaryWindow();
        if (w == null) {
            return unknown(rule, t.value(), "no data for canary " + ctx.canary() + " yet");
        }
        Metric m = t.metric();
        if (t.sustained() == null) {
            return switch (m.type()) {
                case RATE, QUANTILE -> proportion(rule, m, t.op(), t.value(), settings.instantWindowSeconds(), false, ctx,
                        w, details);
                case GAUGE -> latestGauge(rule, m, t.op(), t.value(), ctx, w, details);
                case COUNTER -> count(rule, m, t.op(), t.value(), settings.instantWindowSeconds(), false, ctx, details);
            };
        }
        int seconds = (int) t.sustained().toSeconds();
        return switch (m.type()) {
            case RATE, QUANTILE -> proportion(rule, m, t.op(), t.value(), seconds, true, ctx, w, details);
            case GAUGE -> sustainedGauge(rule, m, t.op(), t.value(), seconds, ctx, w, details);
            case COUNTER -> count(rule, m, t.op(), t.value(), seconds, true, ctx, details);
        };
    }

    /**
     * Per-second numerator and denominator of a judged proportion, read from the window's columns: a quantile's requests slower
     * than the threshold of the timed ones, a rate's numerator (capped at the denominator, per second) of its denominator.
     */
    private static final class Counts {
        private final RevisionWindow w;
        private final boolean quantile;
        private final Metric metric;
        private final long micros;
        private final int num;
        private final int den;
        private final boolean complement;

        Counts(RevisionWindow w, Metric m, double threshold) {
            this.w = w;
            this.quantile = m.type() == Type.QUANTILE;
            this.metric = m;
            this.micros = Math.round(threshold * 1000.0);
            this.num = quantile ? RevisionWindow.NONE : w.column(m.numerator());
            this.den = quantile ? RevisionWindow.NONE : w.column(m.denominator());
            this.complement = m.complement();
        }

        long k(int i) {
            if (quantile) {
                return w.aboveAt(micros, i);
            }
            long n = (long) w.countAt(den, i);
            long k = Math.min(n, (long) w.countAt(num, i));
            return complement ? n - k : k;
        }

        long n(int i) {
            return quantile ? w.timedAt(i) : (long) w.countAt(den, i);
        }

        /** {k, n} summed over {@code [from, to)}; with {@code ks}/{@code ns} (indexed from {@code from}) per second too. */
        long[] sum(long from, long to, long[] ks, long[] ns) {
            long k = 0;
            long n = 0;
            if (quantile && ks == null) {
                return new long[]{w.sumAbove(micros, from, to), w.sumTimed(from, to)};
            }
            if (ks == null) {
                // the window keeps the capped numerator and the denominator per block of seconds
                long[] kn = w.sumRate(metric.numerator(), metric.denominator(), complement, from, to);
                if (kn != null) {
                    return kn;
                }
            }
            for (long t = Math.max(from, to - w.retentionSeconds()); t < to; t++) {
                int i = w.slotOf(t);
                if (i < 0) {
                    continue;
                }
                long ki = k(i);
                long ni = n(i);
                k += ki;
                n += ni;
                if (ks != null) {
                    ks[(int) (t - from)] = ki;
                    ns[(int) (t - from)] = ni;
                }
            }
            return new long[]{k, n};
        }
    }

    /** The proportion limit a threshold means: a rate in percent → fraction; a quantile → the share slower than it. */
    private static double limit(Metric m, double threshold) {
        return m.type() == Type.QUANTILE ? 1.0 - m.quantile() : threshold / 100.0;
    }

    private static Status decide(Proportion p, Comparator op, double limit) {
        if (p.n() == 0) {
            return Status.UNKNOWN;
        }
        return switch (op) {
            case GT -> p.lower() > limit ? Status.BREACHED : p.upper() <= limit ? Status.OK : Status.UNKNOWN;
            case GE -> p.lower() >= limit ? Status.BREACHED : p.upper() < limit ? Status.OK : Status.UNKNOWN;
            case LT -> p.upper() < limit ? Status.BREACHED : p.lower() >= limit ? Status.OK : Status.UNKNOWN;
            case LE -> p.upper() <= limit ? Status.BREACHED : p.lower() > limit ? Status.OK : Status.UNKNOWN;
            case EQ -> p.point() == limit ? Status.BREACHED : Status.OK;
            case NE -> p.point() != limit ? Status.BREACHED : Status.OK;
        };
    }

    /**
     * {@link #decide(Proportion, Comparator, double)} for {@code k} of {@code n} at {@code wilson}'s interval, without building
     * it: the exact bound is computed only when Wilson's bound alone does not settle the comparison (the same answer).
     */
    private Status decide(dev.avalo.health.stats.Wilson wilson, long k, long n, Comparator op, double limit) {
        if (k < 0 || n < 0 || k > n) {
            throw new IllegalArgumentException("need 0 <= k <= n, got k=" + k + ", n=" + n);
        }
        if (n == 0) {
            return Status.UNKNOWN;
        }
        boolean breached = switch (op) {
            case GT -> wilson.lowerPast(k, n, limit, true);
            case GE -> wilson.lowerPast(k, n, limit, false);
            case LT -> wilson.upperBefore(k, n, limit, true);
            case LE -> wilson.upperBefore(k, n, limit, false);
            case EQ -> (double) k / n == limit;
            case NE -> (double) k / n != limit;
        };
        if (breached) {
            return Status.BREACHED;
        }
        if (op == Comparator.EQ || op == Comparator.NE) {
            return Status.OK;
        }
        if (breachesOnly) {
            return Status.UNKNOWN;
        }
        // confidently on the good side: the other bound, inside the threshold
        boolean ok = switch (op) {
            case GT -> wilson.upperBefore(k, n, limit, false);
            case GE -> wilson.upperBefore(k, n, limit, true);
            case LT -> wilson.lowerPast(k, n, limit, false);
            default -> wilson.lowerPast(k, n, limit, true); // LE
        };
        return ok ? Status.OK : Status.UNKNOWN;
    }

    private RuleResult proportion(RuleDefinition rule, Metric m, Comparator op, double threshold, int seconds,
            boolean sustained, EvaluationContext ctx, RevisionWindow w, boolean details) {
        long end = ctx.end();
        long from = end - seconds;
        if (sustained) {
            long first = coverageStart(w, m);
            if (first > from) {
                long seen = first == Long.MAX_VALUE ? 0 : Math.max(0, end - first);
                return unknown(rule, threshold, "observed for " + seen + " s of the " + seconds + " s the rule needs");
            }
        }
        Counts counts = new Counts(w, m, threshold);
        long[] kn = counts.sum(from, end, null, null);
        long k = kn[0];
        long n = kn[1];
        double lim = limit(m, threshold);
        Proportion p = details ? settings.wilson().interval(k, n) : null;
        Status status = details ? decide(p, op, lim) : decide(settings.wilson(), k, n, op, lim);
        String note = "";
        if (status == Status.BREACHED && sustained) {
            // only a breach looks at the slices: the seconds one by one
            long[] ks = new long[seconds];
            long[] ns = new long[seconds];
            counts.sum(from, end, ks, ns);
            int res = Math.min(settings.resolutionSeconds(), seconds);
            int clean = -1;
            for (int start = 0; start < seconds && clean < 0; start += res) {
                clean = cleanSlice(ks, ns, start, Math.min(seconds, start + res), op, lim) ? start : -1;
            }
            if (clean < 0 && cleanSlice(ks, ns, seconds - res, seconds, op, lim)) {
                clean = seconds - res;
            }
            if (clean >= 0) {
                status = Status.OK;
                note = "; not sustained: the " + res + " s from " + Instant.ofEpochSecond(from + clean)
                        + " were confidently within the threshold";
            }
        }
        if (!details) {
            return new RuleResult(rule, status, null, threshold, null, null, n,
                    status == Status.BREACHED ? Instant.ofEpochSecond(sustained ? from : end) : null, "");
        }
        Double observed;
        Double lower;
        Double upper;
        if (m.type() == Type.QUANTILE && status == Status.BREACHED) {
            // merging the seconds' histograms costs; only a breach reports the quantile itself
            Histogram h = w.aggregate(from, end).latency();
            double[] q = quantileBounds(h, m.quantile());
            observed = q == null ? null : q[0];
            lower = q == null ? null : q[1];
            upper = q == null ? null : q[2];
        } else if (m.type() == Type.QUANTILE) {
            observed = null;
            lower = null;
            upper = null;
        } else {
            observed = n == 0 ? null : p.pointPercent();
            lower = n == 0 ? null : p.lower() * 100.0;
            upper = n == 0 ? null : p.upper() * 100.0;
        }
        String what = m.type() == Type.QUANTILE
                ? Fixed.format("%d of %d requests slower than %s ms (%s bounds %.2f–%.2f%%, limit %.0f%%)", k,
                        n, fmt(threshold), settings.wilson().describe(), p.lower() * 100, p.upper() * 100, lim * 100)
                : Fixed.format("%s %s%% of %d (%s bounds %.2f–%.2f%%)", m.name(),
                        n == 0 ? "n/a" : fmt(p.pointPercent()), n, settings.wilson().describe(), p.lower() * 100,
                        p.upper() * 100);
        Instant since = status == Status.BREACHED ? Instant.ofEpochSecond(sustained ? from : end) : null;
        return new RuleResult(rule, status, observed, threshold, lower, upper, n, since,
                what + " over " + seconds + " s" + note);
    }

    private boolean cleanSlice(long[] ks, long[] ns, int from, int to, Comparator op, double limit) {
        long k = 0;
        long n = 0;
        for (int i = Math.max(0, from); i < to; i++) {
            k += ks[i];
            n += ns[i];
        }
        return decide(settings.sliceWilson().interval(k, n), op, limit) == Status.OK;
    }

    /** A quantile's point value and the values at the Wilson bounds of its rank, in ms; null without data. */
    double[] quantileBounds(Histogram h, double q) {
        long n = h.getTotalCount();
        if (n == 0) {
            return null;
        }
        Proportion rank = settings.wilson().interval(Math.round(q * n), n);
        return new double[]{h.getValueAtPercentile(q * 100.0) / 1000.0,
                h.getValueAtPercentile(rank.lower() * 100.0) / 1000.0,
                h.getValueAtPercentile(rank.upper() * 100.0) / 1000.0};
    }

    private RuleResult latestGauge(RuleDefinition rule, Metric m, Comparator op, double threshold, EvaluationContext ctx,
            RevisionWindow w, boolean details) {
        int stale = settings.gaugeStaleSeconds();
        double v = pushedGauge(w, m)
                ? w.gaugeLast(m.name(), ctx.end() - stale, ctx.end(), stale)
                : gaugeScan(w, m, ctx.end() - stale, ctx.end(), x -> true).lastValue();
        if (Double.isNaN(v)) {
            return unknown(rule, threshold, "no " + m.name() + " value in the last " + stale + " s");
        }
        boolean hit = op.test(v, threshold);
        return new RuleResult(rule, hit ? Status.BREACHED : Status.OK, v, threshold, null, null, null,
                hit ? Instant.ofEpochSecond(ctx.end() - 1) : null, details ? m.name() + " " + fmt(v) + " (latest value)" : "");
    }

    private RuleResult sustainedGauge(RuleDefinition rule, Metric m, Comparator op, double threshold, int seconds,
            EvaluationContext ctx, RevisionWindow w, boolean details) {
        long end = ctx.end();
        long from = end - seconds;
        long first = coverageStart(w, m);
        if (first > from) {
            long seen = first == Long.MAX_VALUE ? 0 : Math.max(0, end - first);
            return unknown(rule, threshold, "observed for " + seen + " s of the " + seconds + " s the rule needs");
        }
        DoublePredicate holds = v -> op.test(v, threshold);
        // usually a value within the threshold comes early: reading stops there
        GaugeScan scan = pushedGauge(w, m)
                ? w.gaugeFirstFailing(m.name(), from, end, settings.gaugeStaleSeconds(), holds)
                : null;
        if (scan == null) {
            scan = gaugeScan(w, m, from, end, holds);
        }
        if (scan.firstFailing() >= 0) {
            return new RuleResult(rule, Status.OK, scan.lastValue(), threshold, null, null, null, null,
                    details
                            ? m.name() + " was " + fmt(scan.firstFailingValue()) + " at "
                                    + Instant.ofEpochSecond(from + scan.firstFailing()) + ", within the threshold"
                            : "");
        }
        double last = scan.lastPresent();
        if (scan.missing() > 0) {
            return new RuleResult(rule, Status.UNKNOWN, Double.isNaN(last) ? null : last, threshold, null, null, null, null,
                    m.name() + " had no fresh value for " + scan.missing() + " of " + seconds + " s");
        }
        return new RuleResult(rule, Status.BREACHED, last, threshold, null, null, null, Instant.ofEpochSecond(from),
                details
                        ? m.name() + " " + op.symbol() + " " + fmt(threshold) + " for every second of " + seconds + " s"
                        : "");
    }

    /**
     * A gauge's values per second of {@code [from, to)} (NaN where none was fresh) checked against {@code holds}: pushed values
     * carried forward while fresh, or the routers' figure when the gauge is router-derived and was never pushed.
     */
    /** True when a gauge's values are the pushed ones (not the routers' figures). */
    private static boolean pushedGauge(RevisionWindow w, Metric m) {
        return !ROUTER_DERIVED.contains(m.name()) || w.firstSeen(m.name()) != Long.MAX_VALUE;
    }

    private GaugeScan gaugeScan(RevisionWindow w, Metric m, long from, long to, DoublePredicate holds) {
        if (pushedGauge(w, m)) {
            return w.gaugeScan(m.name(), from, to, settings.gaugeStaleSeconds(), holds);
        }
        double[] values = new double[(int) (to - from)];
        java.util.Arrays.fill(values, Double.NaN);
        w.forEachSecond(from, to, s -> {
            if (s.hasRouterData()) {
                values[(int) (s.epochSecond() - from)] = switch (m.name()) {
                    case "throughput_rps" -> s.requests();
                    case "active_users" -> s.users();
                    case "concurrent_connections" -> s.connections();
                    default -> Double.NaN;
                };
            }
        });
        int firstFailing = -1;
        double failing = Double.NaN;
        int missing = 0;
        double last = Double.NaN;
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            if (Double.isNaN(v)) {
                missing++;
                continue;
            }
            last = v;
            if (firstFailing < 0 && !holds.test(v)) {
                firstFailing = i;
                failing = v;
            }
        }
        return new GaugeScan(firstFailing, failing, missing, last,
                values.length == 0 ? Double.NaN : values[values.length - 1]);
    }

    private RuleResult count(RuleDefinition rule, Metric m, Comparator op, double threshold, int seconds,
            boolean needCoverage, EvaluationContext ctx, boolean details) {
        RevisionWindow w = ctx.canaryWindow();
        if (w == null) {
            return unknown(rule, threshold, "no data for canary " + ctx.canary() + " yet");
        }
        long end = ctx.end();
        long from = end - seconds;
        double[] sum = {0.0};
        boolean[] reported = {false};
        String name = m.name();
        boolean router = ROUTER_DERIVED.contains(name);
        // the window's block sums when it has them (the same sums: whole numbers), else the seconds one by one
        long[] quick = router ? w.sumRouterCounter(w.column(name), from, end) : w.sumCustom(name, from, end);
        if (quick != null) {
            sum[0] = quick[0];
            reported[0] = quick[1] > 0;
        } else {
            int column = w.column(name);
            for (long t = Math.max(from, end - w.retentionSeconds()); t < end; t++) {
                int i = w.slotOf(t);
                if (i >= 0 && (router ? w.routerAt(i) : w.hasAt(column, i))) {
                    reported[0] = true;
                    sum[0] += w.countAt(column, i);
                }
            }
        }
        boolean hit = op.test(sum[0], threshold);
        if (hit && op.isUpper()) {
            // the events happened: more than the threshold cannot be undone by missing data
            return new RuleResult(rule, Status.BREACHED, sum[0], threshold, null, null, null,
                    Instant.ofEpochSecond(needCoverage ? from : end),
                    details ? fmt(sum[0]) + " " + name + " in the last " + seconds + " s" : "");
        }
        long first = coverageStart(w, m);
        if (!reported[0]) {
            return unknown(rule, threshold, "no " + name + " samples in the last " + seconds + " s (source silent)");
        }
        if (needCoverage && first > from) {
            return unknown(rule, threshold, name + " observed for " + Math.max(0, end - first) + " s of the " + seconds
                    + " s the rule needs");
        }
        if (hit) {
            // "too few successes" means nothing without attempts: a canary that got no moderation requests in the minute
            // (no traffic yet, a quiet hour) has not failed them all. Where the attempts are reported, they must be there.
            String attempts = attemptsOf(name);
            if (attempts != null) {
                int ac = w.column(attempts);
                double tried = 0;
                boolean seen = false;
                for (long t = Math.max(from, end - w.retentionSeconds()); t < end; t++) {
                    int i = w.slotOf(t);
                    if (i >= 0 && w.hasAt(ac, i)) {
                        seen = true;
                        tried += w.countAt(ac, i);
                    }
                }
                if (seen && tried == 0) {
                    return unknown(rule, threshold, fmt(sum[0]) + " " + name + " but also no " + attempts + " in the last "
                            + seconds + " s: nothing was tried");
                }
            }
        }
        return new RuleResult(rule, hit ? Status.BREACHED : Status.OK, sum[0], threshold, null, null, null,
                hit ? Instant.ofEpochSecond(from) : null,
                details ? fmt(sum[0]) + " " + name + " in the last " + seconds + " s" : "");
    }

    /** The attempts counter of a success counter (the denominator of the catalog's rate with it as numerator), or null. */
    private static String attemptsOf(String counter) {
        for (Metric m : MetricCatalog.all()) {
            if (m.type() == Type.RATE && m.pushed() && counter.equals(m.numerator())) {
                return m.denominator();
            }
        }
        return null;
    }

    /** The first second the metric's inputs were seen for this revision. */
    private static long coverageStart(RevisionWindow w, Metric m) {
        return switch (m.type()) {
            case RATE -> m.pushed() ? w.firstSeen(m.denominator()) : w.firstRouterSecond();
            case QUANTILE -> w.firstRouterSecond();
            case COUNTER, GAUGE -> w.firstSeen(m.name()) != Long.MAX_VALUE
                    ? w.firstSeen(m.name())
                    : ROUTER_DERIVED.contains(m.name()) ? w.firstRouterSecond() : Long.MAX_VALUE;
        };
    }

    // ---------------------------------------------------------------- relative

    private RuleResult relative(RuleDefinition rule, Relative r, EvaluationContext ctx, boolean details) {
        RevisionWindow canary = ctx.canaryWindow();
        if (canary == null) {
            return unknown(rule, r.percent(), "no data for canary " + ctx.canary() + " yet");
        }
        int seconds = (int) r.over().toSeconds();
        long end = ctx.end();
        long from = end - seconds;
        Metric m = r.metric();
        if (r.reference() == Reference.STABLE) {
            RevisionWindow stable = ctx.stableWindow();
            if (stable == null) {
                return unknown(rule, r.percent(), "no data for stable " + ctx.stable());
            }
            if (m.type() == Type.QUANTILE) {
                return relativeQuantile(rule, r, canary, stable, from, end, details);
            }
            Aggregate s = stable.counts(from, end);
            if (m.type() == Type.RATE) {
                return relativeRate(rule, r, canary, s, from, end, details);
            }
            Aggregate c = canary.counts(from, end);
            OptionalDouble cv = level(m, c, seconds);
            OptionalDouble sv = level(m, s, seconds);
            if (cv.isEmpty() || sv.isEmpty()) {
                return unknown(rule, r.percent(), "no " + m.name() + " for " + (cv.isEmpty() ? "canary" : "stable"));
            }
            double cval = cv.getAsDouble();
            double sval = sv.getAsDouble();
            if (ADDITIVE.contains(m.name()) || m.type() == Type.COUNTER) {
                double share = ctx.canaryShare();
                if (!(share > 0 && share < 1)) {
                    return unknown(rule, r.percent(), "canary share " + share + " leaves nothing to compare per share");
                }
                cval /= share;
                sval /= 1.0 - share;
            }
            return changeResult(rule, r, cval, sval, "per traffic share vs stable over " + seconds + " s", from, details);
        }
        // baseline: service totals against the stable just before the deployment
        if (ctx.baseline() == null) {
            return unknown(rule, r.percent(), "no pre-deployment baseline");
        }
        OptionalDouble base = ctx.baseline().gauge(m.name());
        if (m.type() == Type.COUNTER) {
            Double perSecond = ctx.baseline().countersPerSecond().get(m.name());
            base = perSecond == null ? OptionalDouble.empty() : OptionalDouble.of(perSecond);
        }
        if (base.isEmpty() || base.getAsDouble() <= 0) {
            return unknown(rule, r.percent(), "the baseline has no " + m.name());
        }
        long firstService = Long.MAX_VALUE;
        for (RevisionWindow rw : java.util.List.of(canary, ctx.stableWindow() == null ? canary : ctx.stableWindow())) {
            firstService = Math.min(firstService, coverageStart(rw, m));
        }
        if (firstService > from) {
            return unknown(rule, r.percent(), "service observed for less than the " + seconds + " s the rule needs");
        }
        double current;
        if (ADDITIVE.contains(m.name()) || m.type() == Type.COUNTER) {
            double total = 0;
            boolean any = false;
            for (RevisionWindow rw : new RevisionWindow[]{canary, ctx.stableWindow()}) {
                if (rw == null) {
                    continue;
                }
                OptionalDouble v = level(m, rw.counts(from, end), seconds);
                if (v.isPresent()) {
                    total += v.getAsDouble();
                    any = true;
                }
            }
            if (!any) {
                return unknown(rule, r.percent(), "no " + m.name() + " in the last " + seconds + " s");
            }
            current = total;
        } else {
            Aggregate c = m.type() == Type.QUANTILE ? canary.aggregate(from, end) : canary.counts(from, end);
            OptionalDouble v = m.type() == Type.QUANTILE
                    ? c.latencyMillis(m.quantile())
                    : m.type() == Type.RATE ? rate(m, c) : level(m, c, seconds);
            if (v.isEmpty()) {
                return unknown(rule, r.percent(), "no canary " + m.name() + " in the last " + seconds + " s");
            }
            current = v.getAsDouble();
        }
        return changeResult(rule, r, current, base.getAsDouble(), "vs the pre-deployment baseline", from, details);
    }

    private RuleResult changeResult(RuleDefinition rule, Relative r, double current, double reference, String how,
            long from, boolean details) {
        if (reference <= 0) {
            return unknown(rule, r.percent(), "reference value is " + fmt(reference));
        }
        double change = (current - reference) / reference * 100.0;
        double signed = r.direction() == Direction.INCREASE ? change : -change;
        boolean hit = r.op().test(signed, r.percent());
        return new RuleResult(rule, hit ? Status.BREACHED : Status.OK, signed, r.percent(), null, null, null,
                hit ? Instant.ofEpochSecond(from) : null,
                !details
                        ? ""
                        : Fixed.format("%s %s %.1f%% (%s vs %s) %s", r.metric().name(),
                                r.direction() == Direction.INCREASE ? "increase" : "drop", signed, fmt(current), fmt(reference),
                                how));
    }

    private RuleResult relativeQuantile(RuleDefinition rule, Relative r, RevisionWindow canary, RevisionWindow stableWindow,
            long from, long end, boolean details) {
        Metric m = r.metric();
        Aggregate stable = stableWindow.counts(from, end);
        OptionalDouble reference = stable.requests() < settings.minReferenceRequests()
                ? OptionalDouble.empty()
                : stableWindow.quantileMillis(m.quantile(), from, end, REFERENCE_STALE_SECONDS);
        if (reference.isEmpty()) {
            return unknown(rule, r.percent(), "stable has " + stable.requests() + " requests, the comparison needs "
                    + settings.minReferenceRequests());
        }
        double ref = reference.getAsDouble();
        double factor = r.direction() == Direction.INCREASE ? 1.0 + r.percent() / 100.0 : 1.0 - r.percent() / 100.0;
        long limitMicros = Math.round(ref * factor * 1000.0);
        // the canary's histogram over the range is kept incrementally by its window: the requests above a limit that moves
        // with the stable's median are counted in it rather than second by second
        Histogram h = canary.aggregate(from, end).latency();
        long[] kn = {Histograms.countAbove(h, limitMicros), h.getTotalCount()};
        double shareLimit = 1.0 - m.quantile();
        Comparator cmp = r.direction() == Direction.INCREASE ? Comparator.GT : Comparator.LT;
        if (!details) {
            Status quick = decide(settings.wilson(), kn[0], kn[1], cmp, shareLimit);
            return new RuleResult(rule, quick, null, r.percent(), null, null, kn[1],
                    quick == Status.BREACHED ? Instant.ofEpochSecond(from) : null, "");
        }
        Proportion p = settings.wilson().interval(kn[0], kn[1]);
        Status status = decide(p, cmp, shareLimit);
        double[] q = quantileBounds(h, m.quantile());
        Double observed = null;
        Double lower = null;
        Double upper = null;
        if (q != null) {
            double sign = r.direction() == Direction.INCREASE ? 1 : -1;
            observed = sign * (q[0] - ref) / ref * 100.0;
            double a = sign * (q[1] - ref) / ref * 100.0;
            double b = sign * (q[2] - ref) / ref * 100.0;
            lower = Math.min(a, b);
            upper = Math.max(a, b);
        }
        return new RuleResult(rule, status, observed, r.percent(), lower, upper, kn[1],
                status == Status.BREACHED ? Instant.ofEpochSecond(from) : null,
                Fixed.format(
                        "%d of %d canary requests slower than %s ms (stable %s %s ms %s %s%%), %s bounds %.1f–%.1f%%",
                        kn[0], kn[1], fmt(ref * factor), m.name(), fmt(ref),
                        r.direction() == Direction.INCREASE ? "+" : "−", fmt(r.percent()), settings.wilson().describe(),
                        p.lower() * 100, p.upper() * 100));
    }

    private RuleResult relativeRate(RuleDefinition rule, Relative r, RevisionWindow canary, Aggregate stable, long from,
            long end, boolean details) {
        Metric m = r.metric();
        OptionalDouble sr = rate(m, stable);
        long stableN = (long) stable.count(m.denominator()).orElse(0);
        if (sr.isEmpty() || stableN < settings.minReferenceRequests()) {
            return unknown(rule, r.percent(), "stable has " + stableN + " " + m.denominator() + ", the comparison needs "
                    + settings.minReferenceRequests());
        }
        double ref = sr.getAsDouble() / 100.0;
        double factor = r.direction() == Direction.INCREASE ? 1.0 + r.percent() / 100.0 : 1.0 - r.percent() / 100.0;
        double lim = ref * factor;
        long[] kn = new Counts(canary, m, 0).sum(from, end, null, null);
        Comparator cmp = r.direction() == Direction.INCREASE ? Comparator.GT : Comparator.LT;
        if (!details) {
            Status quick = decide(settings.wilson(), kn[0], kn[1], cmp, lim);
            return new RuleResult(rule, quick, null, r.percent(), null, null, kn[1],
                    quick == Status.BREACHED ? Instant.ofEpochSecond(from) : null, "");
        }
        Proportion p = settings.wilson().interval(kn[0], kn[1]);
        Status status = decide(p, cmp, lim);
        Double observed = kn[1] == 0 || ref == 0
                ? null
                : (r.direction() == Direction.INCREASE ? 1 : -1) * (p.point() - ref) / ref * 100.0;
        return new RuleResult(rule, status, observed, r.percent(), p.n() == 0 ? null : p.lower() * 100,
                p.n() == 0 ? null : p.upper() * 100, kn[1], status == Status.BREACHED ? Instant.ofEpochSecond(from) : null,
                Fixed.format("canary %s %s%% of %d vs stable %s%%, limit %s%%", m.name(),
                        kn[1] == 0 ? "n/a" : fmt(p.pointPercent()), kn[1], fmt(ref * 100), fmt(lim * 100)));
    }

    private static OptionalDouble rate(Metric m, Aggregate a) {
        OptionalDouble num = a.count(m.numerator());
        OptionalDouble den = a.count(m.denominator());
        if (den.isEmpty() || den.getAsDouble() <= 0) {
            return OptionalDouble.empty();
        }
        double ratio = Math.min(1.0, num.orElse(0) / den.getAsDouble());
        return OptionalDouble.of(100.0 * (m.complement() ? 1.0 - ratio : ratio));
    }

    /** A gauge's mean or a counter's per-second rate over the range. */
    private static OptionalDouble level(Metric m, Aggregate a, int seconds) {
        if (m.type() == Type.COUNTER) {
            OptionalDouble sum = a.count(m.name());
            return sum.isPresent() ? OptionalDouble.of(sum.getAsDouble() / seconds) : sum;
        }
        return a.gauge(m.name(), seconds);
    }

    private static RuleResult unknown(RuleDefinition rule, double threshold, String why) {
        return new RuleResult(rule, Status.UNKNOWN, null, threshold, null, null, null, null, why);
    }

    // sentences are formatted by Fixed: the text of String.format(Locale.US, …) (the same digits, point and minus sign as
    // Locale.ROOT, no grouping) without Formatter's cost

    static String fmt(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.valueOf((long) v);
        }
        return Fixed.of(v, 2);
    }
}
