package dev.avalo.health.score;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.avalo.contracts.health.Verdict;
import dev.avalo.health.format.Fixed;

/**
 * The strategy document's health score: error rate 100 − 50·rate%, latency 100 − (p95 − 500)/7, throughput and user impact
 * current/baseline·100 capped, resource 100 − max(cpu, mem), each clamped to 0–100, weighted. Missing components are listed and
 * the weights renormalised over the rest; without error rate or latency there is no score and the verdict is INSUFFICIENT_DATA.
 * <p>
 * The band verdict uses the confidence interval of the error rate and the p95 (and, for throughput and user impact, the
 * canary's request count at its upper bound) so that a handful of requests neither pauses nor rolls back a canary: ROLLBACK
 * needs even the optimistic score below the PAUSE line, PAUSE needs the optimistic score below the CONTINUE line (and the point
 * score at or above the PAUSE line, otherwise it cannot be told from ROLLBACK); CONTINUE and PROCEED follow the point score
 * (promotion additionally needs the stage gates, which carry their own confidence bound). Anything else is INSUFFICIENT_DATA.
 */
public final class Scorer {

    private final ScoreSettings settings;

    public Scorer(ScoreSettings settings) {
        this.settings = settings;
    }

    public ScoreSettings settings() {
        return settings;
    }

    /** Error rate component: 100 − rate% × 100/zeroAt, clamped. */
    public double errorRateScore(double ratePercent) {
        return clamp(100.0 - ratePercent * (100.0 / settings.errorRateZeroAt()));
    }

    /** Latency component: 100 − (p95 − good) × 100/(zero − good), clamped. */
    public double latencyScore(double p95Millis) {
        return clamp(100.0 - (p95Millis - settings.latencyGoodMs()) * 100.0
                / (settings.latencyZeroMs() - settings.latencyGoodMs()));
    }

    /** Throughput and user impact: the ratio in percent, capped at 100. */
    public double ratioScore(double percent) {
        return clamp(percent);
    }

    /** Resource: 100 − max(cpu, mem). */
    public double resourceScore(double maxPercent) {
        return clamp(100.0 - maxPercent);
    }

    public HealthScore score(ScoreInputs in) {
        Map<String, Double> values = new LinkedHashMap<>();
        double[] point = new double[5];
        double[] pessimistic = new double[5];
        double[] optimistic = new double[5];
        boolean[] present = new boolean[5];
        if (in.errors() != null && in.errors().n() > 0) {
            present[0] = true;
            values.put(Components.ERROR_RATE, in.errors().pointPercent());
            point[0] = errorRateScore(in.errors().pointPercent());
            pessimistic[0] = errorRateScore(in.errors().upper() * 100.0);
            optimistic[0] = errorRateScore(in.errors().lower() * 100.0);
        }
        if (in.p95Millis() != null) {
            present[1] = true;
            values.put(Components.LATENCY, in.p95Millis()[0]);
            point[1] = latencyScore(in.p95Millis()[0]);
            pessimistic[1] = latencyScore(in.p95Millis()[2]);
            optimistic[1] = latencyScore(in.p95Millis()[1]);
        }
        double[] others = {in.throughputPercent(), in.resourcePercent(), in.userImpactPercent()};
        double[] othersHigh = {in.throughputOptimistic(), Double.NaN, in.userImpactOptimistic()};
        for (int i = 0; i < 3; i++) {
            double v = others[i];
            if (!Double.isNaN(v)) {
                present[i + 2] = true;
                values.put(Components.ALL.get(i + 2), v);
                double s = i == 1 ? resourceScore(v) : ratioScore(v);
                point[i + 2] = s;
                pessimistic[i + 2] = s;
                // a ratio from a handful of canary requests is as uncertain as their count
                optimistic[i + 2] = Double.isNaN(othersHigh[i]) ? s : Math.max(s, ratioScore(othersHigh[i]));
            }
        }
        double totalWeight = 0;
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            if (present[i]) {
                totalWeight += settings.weights().get(Components.ALL.get(i));
            } else {
                missing.add(Components.ALL.get(i));
            }
        }
        Map<String, HealthScore.Component> components = new LinkedHashMap<>();
        double score = 0;
        double low = 0;
        double high = 0;
        for (int i = 0; i < 5; i++) {
            String name = Components.ALL.get(i);
            double w = settings.weights().get(name);
            if (present[i] && totalWeight > 0) {
                double nw = w / totalWeight;
                components.put(name, new HealthScore.Component(values.get(name), round(point[i]), round(nw)));
                score += nw * point[i];
                low += nw * pessimistic[i];
                high += nw * optimistic[i];
            } else {
                components.put(name, new HealthScore.Component(null, null, 0.0));
            }
        }
        if (!present[0] || !present[1]) {
            return new HealthScore(null, null, null, components, missing, Verdict.INSUFFICIENT_DATA,
                    "required component" + (!present[0] && !present[1]
                            ? "s errorRate and latency are"
                            : (!present[0]
                                    ? " errorRate is"
                                    : " latency is"))
                            + " missing");
        }
        Verdict v;
        String reason;
        if (high < settings.pauseAt()) {
            v = Verdict.ROLLBACK;
            reason = "even the optimistic score " + f(high) + " is below " + f(settings.pauseAt());
        } else if (high < settings.continueAt()) {
            if (score >= settings.pauseAt()) {
                v = Verdict.PAUSE;
                reason = "score " + f(score) + " and at most " + f(high) + ": warning band";
            } else {
                v = Verdict.INSUFFICIENT_DATA;
                reason = "score " + f(score) + " between " + f(low) + " and " + f(high)
                        + ": cannot tell warning from critical yet";
            }
        } else if (score >= settings.proceedAt()) {
            v = Verdict.PROCEED;
            reason = "score " + f(score);
        } else if (score >= settings.continueAt()) {
            v = Verdict.CONTINUE;
            reason = "score " + f(score);
        } else {
            v = Verdict.INSUFFICIENT_DATA;
            reason = "score " + f(score) + " but up to " + f(high) + " within the confidence bounds: not enough data";
        }
        return new HealthScore(round(score), round(low), round(high), components, missing, v, reason);
    }

    private static double clamp(double v) {
        return Math.max(0.0, Math.min(100.0, v));
    }

    private static double round(double v) {
        return Math.round(v * 100.0) / 100.0;
    }

    private static String f(double v) {
        return Fixed.of(v, 1);
    }
}
