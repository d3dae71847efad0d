package dev.avalo.health.gate;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

import org.HdrHistogram.Histogram;

import dev.avalo.health.format.Fixed;
import dev.avalo.health.stats.MannWhitney;
import dev.avalo.health.stats.Proportion;
import dev.avalo.health.stats.TwoProportions;
import dev.avalo.health.stats.Wilson;
import dev.avalo.health.window.Aggregate;
import dev.avalo.health.window.Histograms;
import dev.avalo.health.window.RevisionWindow;

/**
 * The strategy's per-stage monitoring lists as gates, by the names the orchestrator's strategies use. Each is judged over the
 * current stage so far (the windows' running totals), canary against its threshold or against the stable over the same seconds.
 * Proportions decide on the confidence interval: PASS needs the whole interval inside the limit, FAIL the whole interval
 * outside it, anything between is UNKNOWN — and UNKNOWN never passes.
 */
public final class StageGates {

    /** Every gate name, in the strategy's order (stage 1 first). */
    public static final List<String> NAMES = List.of("error-rate", "latency-p95", "success-rate", "no-critical-alerts",
            "db-query-time", "ai-model-latency", "payment-success", "engagement", "revenue", "chat-delivery-latency",
            "baseline-comparison", "system-health", "ab-comparison", "user-feedback");

    /**
     * Seconds of data each side needs in the stage before a comparison of point estimates (the "within baseline" gauges,
     * revenue per request) decides: these carry no confidence bound, and over the first second or two of a stage one reading
     * each decides (seen end to end: a healthy canary paused 2 s into a stage on {@code db_query_time_ms} 15.2 vs 12.2). Until
     * then such a gate is UNKNOWN, which holds the stage and never pauses it.
     */
    static final int MIN_COMPARISON_SECONDS = 10;

    private final GateSettings settings;
    private final Wilson wilson;
    private final int gaugeStaleSeconds;

    public StageGates(GateSettings settings, Wilson wilson, int gaugeStaleSeconds) {
        this.settings = settings;
        this.wilson = wilson;
        this.gaugeStaleSeconds = gaugeStaleSeconds;
    }

    /** The confidence bound gates are judged with. */
    public Wilson wilson() {
        return wilson;
    }

    /** Evaluates every gate (the stage totals are summed once). */
    public List<GateOutcome> evaluateAll(GateContext ctx) {
        return evaluate(NAMES, ctx);
    }

    /**
     * Evaluates the gates {@code names} (a stage's list), in its order, each once (the stage totals are summed once). A name
     * that is not a gate of the scorer is UNKNOWN, which never passes.
     */
    public List<GateOutcome> evaluate(List<String> names, GateContext ctx) {
        Aggregate c = ctx.canary() == null ? null : ctx.canary().cumulative();
        Aggregate s = ctx.stable() == null ? null : ctx.stable().cumulative();
        List<GateOutcome> out = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (names.subList(0, i).contains(name)) {
                continue;
            }
            out.add(NAMES.contains(name) ? evaluate(name, ctx, c, s) : GateOutcome.unknown(name, NOT_A_GATE));
        }
        return out;
    }

    /** The detail of a listed gate the scorer does not know. */
    public static final String NOT_A_GATE = "not a gate the scorer knows";

    /** Evaluates the gate {@code name}. */
    public GateOutcome evaluate(String name, GateContext ctx) {
        return evaluate(name, ctx, ctx.canary() == null ? null : ctx.canary().cumulative(),
                ctx.stable() == null ? null : ctx.stable().cumulative());
    }

    private GateOutcome evaluate(String name, GateContext ctx, Aggregate c, Aggregate s) {
        if (ctx.canary() == null) {
            return GateOutcome.unknown(name, "no data for the canary yet");
        }
        return switch (name) {
            case "error-rate" -> ratioBelow(name, c.errors(), c.requests(), settings.errorRatePercent(), "error rate");
            case "success-rate" -> successRate(name, c);
            case "latency-p95" -> latencyP95(name, c);
            case "no-critical-alerts" -> alerts(name, ctx.alerts());
            case "db-query-time" -> withinStable(name, "db_query_time_ms", c, s, true);
            case "ai-model-latency" -> withinStable(name, "ai_model_latency_ms", c, s, true);
            case "chat-delivery-latency" -> withinStable(name, "chat_delivery_latency_ms", c, s, true);
            case "engagement" -> withinStable(name, "engagement", c, s, false);
            case "payment-success" -> payment(name, c);
            case "revenue" -> revenue(name, c, s);
            case "baseline-comparison" -> baselineComparison(name, c, s);
            case "system-health" -> systemHealth(name, ctx);
            case "ab-comparison" -> abComparison(name, c, s);
            case "user-feedback" -> userFeedback(name, c);
            default -> throw new IllegalArgumentException("unknown gate '" + name + "', known: " + NAMES);
        };
    }

    private GateOutcome ratioBelow(String gate, long k, long n, double limitPercent, String what) {
        if (n == 0) {
            return GateOutcome.unknown(gate, "no " + what + " samples in this stage yet");
        }
        Proportion p = wilson.interval(k, n);
        double limit = limitPercent / 100.0;
        GateStatus status = p.upper() < limit ? GateStatus.PASS : p.lower() > limit ? GateStatus.FAIL : GateStatus.UNKNOWN;
        return new GateOutcome(gate, status, p.pointPercent(), p.lower() * 100, p.upper() * 100, n,
                Fixed.format("%s %.2f%% of %d (%s %.2f–%.2f%%) vs < %s%%", what, p.pointPercent(), n,
                        wilson.describe(), p.lower() * 100, p.upper() * 100, fmt(limitPercent)));
    }

    private GateOutcome successRate(String gate, Aggregate c) {
        long n = c.requests();
        if (n == 0) {
            return GateOutcome.unknown(gate, "no requests in this stage yet");
        }
        Proportion p = wilson.interval(n - Math.min(n, c.errors()), n);
        double limit = settings.successRatePercent() / 100.0;
        GateStatus status = p.lower() > limit ? GateStatus.PASS : p.upper() < limit ? GateStatus.FAIL : GateStatus.UNKNOWN;
        return new GateOutcome(gate, status, p.pointPercent(), p.lower() * 100, p.upper() * 100, n,
                Fixed.format("success rate %.2f%% of %d (%s %.2f–%.2f%%) vs > %s%%", p.pointPercent(), n,
                        wilson.describe(), p.lower() * 100, p.upper() * 100, fmt(settings.successRatePercent())));
    }

    private GateOutcome latencyP95(String gate, Aggregate c) {
        Histogram h = c.latency();
        long n = h.getTotalCount();
        if (n == 0) {
            return GateOutcome.unknown(gate, "no timed requests in this stage yet");
        }
        long slow = Histograms.countAbove(h, Math.round(settings.p95Millis() * 1000));
        Proportion p = wilson.interval(slow, n);
        GateStatus status = p.upper() < 0.05 ? GateStatus.PASS : p.lower() > 0.05 ? GateStatus.FAIL : GateStatus.UNKNOWN;
        Proportion rank = wilson.interval(Math.round(0.95 * n), n);
        return new GateOutcome(gate, status, h.getValueAtPercentile(95) / 1000.0,
                h.getValueAtPercentile(rank.lower() * 100) / 1000.0, h.getValueAtPercentile(rank.upper() * 100) / 1000.0,
                n, Fixed.format("%d of %d requests slower than %s ms (%s %.2f–%.2f%%, p95 needs < 5%%)",
                        slow, n, fmt(settings.p95Millis()), wilson.describe(), p.lower() * 100, p.upper() * 100));
    }

    private GateOutcome alerts(String gate, AlertView alerts) {
        if (alerts == null || !alerts.configured()) {
            return GateOutcome.unknown(gate, "no alert source configured");
        }
        if (!alerts.firingCritical().isEmpty()) {
            return new GateOutcome(gate, GateStatus.FAIL, (double) alerts.firingCritical().size(), null, null, null,
                    "critical alerts firing: " + String.join(", ", alerts.firingCritical()));
        }
        if (!alerts.online()) {
            return GateOutcome.unknown(gate, "the alert source is silent: its heartbeat alert stopped arriving");
        }
        return new GateOutcome(gate, GateStatus.PASS, 0.0, null, null, null, "no critical alert firing");
    }

    /** A pushed gauge of the canary within the tolerance of the stable's over the same seconds. */
    private GateOutcome withinStable(String gate, String metric, Aggregate c, Aggregate s, boolean lowerIsBetter) {
        OptionalDouble cv = c.gaugeMean(metric);
        OptionalDouble sv = s == null ? OptionalDouble.empty() : s.gaugeMean(metric);
        if (cv.isEmpty() || sv.isEmpty()) {
            return GateOutcome.unknown(gate, "no " + metric + " for " + (cv.isEmpty() ? "the canary" : "the stable")
                    + " in this stage");
        }
        int cs = c.gaugeSeconds(metric);
        int ss = s.gaugeSeconds(metric);
        if (cs < MIN_COMPARISON_SECONDS || ss < MIN_COMPARISON_SECONDS) {
            return GateOutcome.unknown(gate, "too few seconds of " + metric + " in this stage to compare (" + cs
                    + " canary, " + ss + " stable; " + MIN_COMPARISON_SECONDS + " each needed)");
        }
        double tol = settings.baselineTolerancePercent() / 100.0;
        double limit = lowerIsBetter ? sv.getAsDouble() * (1 + tol) : sv.getAsDouble() * (1 - tol);
        boolean ok = lowerIsBetter ? cv.getAsDouble() <= limit : cv.getAsDouble() >= limit;
        return new GateOutcome(gate, ok ? GateStatus.PASS : GateStatus.FAIL, cv.getAsDouble(), null, null, null,
                Fixed.format("canary %s %s vs stable %s (limit %s %s)", metric, fmt(cv.getAsDouble()),
                        fmt(sv.getAsDouble()), lowerIsBetter ? "≤" : "≥", fmt(limit)));
    }

    private GateOutcome payment(String gate, Aggregate c) {
        long n = (long) c.count("payment_transactions").orElse(0);
        long k = Math.min(n, (long) c.count("payment_failures").orElse(0));
        GateOutcome failures = ratioBelow(gate, k, n, settings.paymentFailurePercent(), "payment failure rate");
        if (failures.observed() == null) {
            return failures;
        }
        // report the success rate, judged through the failure rate's bounds
        return new GateOutcome(gate, failures.status(), 100 - failures.observed(), 100 - failures.upper(),
                100 - failures.lower(), failures.samples(), failures.detail());
    }

    /**
     * Revenue per request, canary against stable over the same seconds: the canary may be {@code baselineTolerancePercent}
     * lower. Revenue per request is noisy where payments are few (one request in five paying, 100 requests give 20 payments and
     * ±22 %), so it is judged on a confidence interval of the ratio, not on the point estimate: the payments are counted events
     * (Poisson), so {@code log(canary/stable)} has a standard error of {@code sqrt(1/k_canary + 1/k_stable)} with {@code k}
     * each side's {@code payment_transactions} (the amounts' own spread is not reported, and is small beside the count's at
     * these volumes). PASS when the whole interval is at or above the limit, FAIL when all of it is below, else UNKNOWN.
     * Without payment counts the interval cannot be had, and the point estimate decides only once each side has ten times
     * {@code minReferenceRequests}.
     */
    private GateOutcome revenue(String gate, Aggregate c, Aggregate s) {
        OptionalDouble cr = c.count("revenue");
        OptionalDouble sr = s == null ? OptionalDouble.empty() : s.count("revenue");
        if (cr.isEmpty() || sr.isEmpty() || c.requests() == 0 || s.requests() == 0) {
            return GateOutcome.unknown(gate, "no revenue or no requests for both revisions in this stage");
        }
        if (c.requests() < settings.minReferenceRequests() || s.requests() < settings.minReferenceRequests()) {
            return GateOutcome.unknown(gate, "too few requests to compare revenue per request (" + c.requests() + " canary, "
                    + s.requests() + " stable; " + settings.minReferenceRequests() + " each needed)");
        }
        double cPer = cr.getAsDouble() / c.requests();
        double sPer = sr.getAsDouble() / s.requests();
        double floor = 1 - settings.baselineTolerancePercent() / 100.0;
        double limit = sPer * floor;
        OptionalDouble kc = c.count("payment_transactions");
        OptionalDouble ks = s.count("payment_transactions");
        if (kc.isEmpty() || ks.isEmpty()) {
            long needed = 10 * settings.minReferenceRequests();
            if (c.requests() < needed || s.requests() < needed) {
                return GateOutcome.unknown(gate, "revenue without payment_transactions: judged on the point estimate from "
                        + needed + " requests each side (" + c.requests() + " canary, " + s.requests() + " stable)");
            }
            return new GateOutcome(gate, cPer >= limit ? GateStatus.PASS : GateStatus.FAIL, cPer, null, null, c.requests(),
                    Fixed.format("revenue per request canary %s vs stable %s (limit ≥ %s; no payment counts,"
                            + " point estimate)", fmt(cPer), fmt(sPer), fmt(limit)));
        }
        if (sPer <= 0) {
            return new GateOutcome(gate, GateStatus.PASS, cPer, null, null, c.requests(), Fixed.format(
                    "revenue per request canary %s vs stable 0: nothing to fall below", fmt(cPer)));
        }
        if (cPer <= 0) {
            // no canary revenue at all: a failure once the stable's rate makes zero unlikely (P(0) = e^-expected < 0.1 %)
            double expected = ks.getAsDouble() / s.requests() * c.requests();
            GateStatus st = expected > 7 ? GateStatus.FAIL : GateStatus.UNKNOWN;
            return new GateOutcome(gate, st, 0.0, null, null, c.requests(), Fixed.format(
                    "no revenue from the canary's %d requests (stable %s per request: about %.1f paying requests expected)",
                    c.requests(), fmt(sPer), expected));
        }
        double se = Math.sqrt(1 / Math.max(kc.getAsDouble(), 1) + 1 / Math.max(ks.getAsDouble(), 1));
        double ratio = cPer / sPer;
        double lower = ratio * Math.exp(-wilson.z() * se);
        double upper = ratio * Math.exp(wilson.z() * se);
        GateStatus status = lower >= floor ? GateStatus.PASS : upper < floor ? GateStatus.FAIL : GateStatus.UNKNOWN;
        return new GateOutcome(gate, status, cPer, sPer * lower, sPer * upper, c.requests(), Fixed.format(
                "revenue per request canary %s vs stable %s: ratio %.3f (%s %.3f–%.3f on %.0f and %.0f payments), limit ≥ %.2f",
                fmt(cPer), fmt(sPer), ratio, wilson.describe(), lower, upper, kc.getAsDouble(), ks.getAsDouble(), floor));
    }

    private GateOutcome baselineComparison(String gate, Aggregate c, Aggregate s) {
        if (s == null || s.latency().getTotalCount() < settings.minReferenceRequests()) {
            return GateOutcome.unknown(gate, "the stable has too few timed requests in this stage to compare with");
        }
        Histogram ch = c.latency();
        long n = ch.getTotalCount();
        if (n == 0) {
            return GateOutcome.unknown(gate, "no timed canary requests in this stage yet");
        }
        double factor = 1 + settings.baselineTolerancePercent() / 100.0;
        List<GateStatus> statuses = new ArrayList<>();
        StringBuilder detail = new StringBuilder();
        for (double q : new double[]{0.50, 0.95}) {
            double ref = s.latency().getValueAtPercentile(q * 100) / 1000.0;
            long slow = Histograms.countAbove(ch, Math.round(ref * factor * 1000));
            Proportion p = wilson.interval(slow, n);
            GateStatus st = p.upper() < 1 - q ? GateStatus.PASS : p.lower() > 1 - q ? GateStatus.FAIL : GateStatus.UNKNOWN;
            statuses.add(st);
            detail.append(Fixed.format(
                    "p%d: %.1f%% of canary requests above stable×%.2f = %s ms (%s %.1f–%.1f%%, limit %.0f%%) %s; ",
                    Math.round(q * 100), p.pointPercent(), factor, fmt(ref * factor), wilson.describe(), p.lower() * 100,
                    p.upper() * 100, (1 - q) * 100, st));
        }
        GateStatus status = GateStatus.all(statuses.toArray(GateStatus[]::new));
        double cp50 = ch.getValueAtPercentile(50) / 1000.0;
        double sp50 = s.latency().getValueAtPercentile(50) / 1000.0;
        return new GateOutcome(gate, status, sp50 == 0 ? null : (cp50 - sp50) / sp50 * 100, null, null, n,
                detail.toString().trim());
    }

    private GateOutcome systemHealth(String gate, GateContext ctx) {
        RevisionWindow w = ctx.canary();
        double cpu = latest(w, "cpu_percent", ctx.end());
        double mem = latest(w, "memory_percent", ctx.end());
        double disk = latest(w, "disk_percent", ctx.end());
        double db = latest(w, "db_connection_up", ctx.end());
        List<String> problems = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        check(cpu, v -> v < settings.cpuPercent(), "cpu " + fmt(cpu) + "% ≥ " + fmt(settings.cpuPercent()), "cpu_percent",
                problems, missing);
        check(mem, v -> v < settings.memoryPercent(), "memory " + fmt(mem) + "% ≥ " + fmt(settings.memoryPercent()),
                "memory_percent", problems, missing);
        if (!Double.isNaN(disk) && disk >= settings.diskPercent()) {
            problems.add("disk " + fmt(disk) + "% ≥ " + fmt(settings.diskPercent()));
        }
        if (!Double.isNaN(db) && db == 0) {
            problems.add("database connection down");
        }
        if (!problems.isEmpty()) {
            return new GateOutcome(gate, GateStatus.FAIL, Math.max(nz(cpu), nz(mem)), null, null, null,
                    String.join(", ", problems));
        }
        if (!missing.isEmpty()) {
            return GateOutcome.unknown(gate, "no fresh " + String.join(", ", missing) + " for the canary");
        }
        return new GateOutcome(gate, GateStatus.PASS, Math.max(cpu, mem), null, null, null,
                "cpu " + fmt(cpu) + "%, memory " + fmt(mem) + "%" + (Double.isNaN(disk) ? "" : ", disk " + fmt(disk) + "%")
                        + (Double.isNaN(db) ? "" : ", database connection up"));
    }

    private static void check(double v, java.util.function.DoublePredicate ok, String problem, String name,
            List<String> problems, List<String> missing) {
        if (Double.isNaN(v)) {
            missing.add(name);
        } else if (!ok.test(v)) {
            problems.add(problem);
        }
    }

    /**
     * The last fresh value of the series of the last {@code gaugeStaleSeconds} (each second's value carried forward for as
     * long): the value of the newest second with one in the last {@code 2 × gaugeStaleSeconds}, read back from the end.
     */
    private double latest(RevisionWindow w, String name, long end) {
        return w.latestValue(name, end - 2L * gaugeStaleSeconds, end);
    }

    private GateOutcome abComparison(String gate, Aggregate c, Aggregate s) {
        if (s == null || c.requests() < settings.minReferenceRequests() || s.requests() < settings.minReferenceRequests()) {
            return GateOutcome.unknown(gate, "A/B comparison needs " + settings.minReferenceRequests()
                    + " requests on each side in this stage (canary " + c.requests() + ", stable "
                    + (s == null ? 0 : s.requests()) + ")");
        }
        AbComparison ab = compare(c, s);
        return new GateOutcome(gate, ab.status(), ab.latency() == null ? null : ab.latency().a(),
                ab.latency() == null ? null : ab.latency().aLower(), ab.latency() == null ? null : ab.latency().aUpper(),
                c.requests(), ab.detail());
    }

    /**
     * Stage 4's A/B comparison, canary against stable over the same seconds: latency distributions with the Mann-Whitney U test
     * (effect size A = P(canary slower)), error proportions with the two-proportion test and Newcombe's interval of the
     * difference. Non-inferiority: PASS when A's upper bound is below {@code abLatencyEffect} and the error difference's upper
     * bound below {@code abErrorMarginPercent}; FAIL when a lower bound is past them.
     */
    public AbComparison compare(Aggregate c, Aggregate s) {
        MannWhitney.Result mw = MannWhitney.compare(c.latency(), s.latency(), wilson.z());
        TwoProportions.Result tp = TwoProportions.compare(wilson, c.errors(), c.requests(), s.errors(), s.requests());
        double margin = settings.abErrorMarginPercent() / 100.0;
        GateStatus errors = tp.upper() < margin
                ? GateStatus.PASS
                : tp.lower() > margin
                        ? GateStatus.FAIL
                        : GateStatus.UNKNOWN;
        GateStatus latency = mw == null
                ? GateStatus.UNKNOWN
                : mw.aUpper() < settings.abLatencyEffect()
                        ? GateStatus.PASS
                        : mw.aLower() > settings.abLatencyEffect() ? GateStatus.FAIL : GateStatus.UNKNOWN;
        String detail = (mw == null
                ? "latency: no timed requests"
                : Fixed.format(
                        "latency: Mann-Whitney U=%.0f, z=%.2f, p(canary slower)=%.4f, A=%.3f (%.3f–%.3f), rank-biserial %.3f, limit A<%.2f → %s",
                        mw.u(), mw.z(), mw.pGreater(), mw.a(), mw.aLower(), mw.aUpper(), mw.rankBiserial(),
                        settings.abLatencyEffect(), latency))
                + Fixed.format(
                        "; errors: canary %.2f%% vs stable %.2f%%, difference %+.2f pp (%.2f–%.2f), z=%.2f, p=%.4f, Cohen's h %.3f, margin %s pp → %s",
                        tp.first().pointPercent(), tp.second().pointPercent(), tp.difference() * 100, tp.lower() * 100,
                        tp.upper() * 100, tp.z(), tp.pGreater(), tp.cohensH(), fmt(settings.abErrorMarginPercent()),
                        errors);
        return new AbComparison(GateStatus.all(latency, errors), mw, tp, detail);
    }

    /** The A/B comparison's result. */
    public record AbComparison(GateStatus status, MannWhitney.Result latency, TwoProportions.Result errors, String detail) {
    }

    private GateOutcome userFeedback(String gate, Aggregate c) {
        List<GateOutcome> parts = new ArrayList<>();
        if (c.count("sessions").isPresent()) {
            long n = (long) c.count("sessions").getAsDouble();
            parts.add(ratioBelow(gate, Math.min(n, (long) c.count("session_failures").orElse(0)), n,
                    settings.sessionFailurePercent(), "session failure rate"));
        }
        if (c.count("auth_attempts").isPresent()) {
            long n = (long) c.count("auth_attempts").getAsDouble();
            parts.add(ratioBelow(gate, Math.min(n, (long) c.count("auth_failures").orElse(0)), n,
                    settings.authFailurePercent(), "auth failure rate"));
        }
        if (parts.isEmpty()) {
            return GateOutcome.unknown(gate, "no sessions or auth_attempts for the canary in this stage");
        }
        GateStatus status = GateStatus.all(parts.stream().map(GateOutcome::status).toArray(GateStatus[]::new));
        return new GateOutcome(gate, status, parts.get(0).observed(), parts.get(0).lower(), parts.get(0).upper(),
                parts.get(0).samples(), String.join("; ", parts.stream().map(GateOutcome::detail).toList()));
    }

    private static double nz(double v) {
        return Double.isNaN(v) ? 0 : v;
    }

    private static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.valueOf((long) v);
        }
        return Fixed.of(v, 2);
    }
}
