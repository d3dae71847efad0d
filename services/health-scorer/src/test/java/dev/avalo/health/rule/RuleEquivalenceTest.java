package dev.avalo.health.rule;

import static dev.avalo.health.Traffic.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import dev.avalo.health.window.Histograms;
import dev.avalo.health.window.MetricKind;
import dev.avalo.health.window.ServiceWindows;

/**
 * {@link RuleEvaluator} (column scans, kept threshold counts, cached range histograms) against the evaluator as it was
 * ({@link ReferenceRuleEvaluator}: second by second, histograms merged per query) on the same windows: every default rule and a
 * set of other rule shapes, at every second of a random 20-minute history with error, latency and gauge episodes, late samples
 * and silent sources. Every result must be identical: status, observed value, bounds, samples, since and sentence.
 */
class RuleEquivalenceTest {

    private static final String CANARY = "v2";
    private static final String STABLE = "v1";
    private static final String[] EXTRA = {"error_rate > 1%", "success_rate < 99% for 90s", "latency_p50 > 80ms for 2m",
            "latency_p99 >= 400ms for 1m", "requests < 50 in 1m", "errors > 30 in 2m", "http_5xx >= 5 in 1m",
            "throughput_rps < 20 for 1m", "active_users < 10", "payment_failure_rate > 2% for 3m",
            "ai_moderation_success_rate < 95% for 2m", "cpu_percent >= 60 for 3m", "memory_percent < 55%",
            "error_rate increase > 50% vs stable", "session_failure_rate increase > 100% vs stable over 3m",
            "active_users drop > 20% vs stable", "payment_failures increase > 10% vs stable over 2m",
            "latency_p95 increase > 20% vs stable over 2m", "latency_p50 drop > 10% vs stable over 4m",
            "throughput_rps drop > 30% vs baseline", "error_rate increase > 50% vs baseline over 2m",
            "latency_p50 increase > 30% vs baseline", "db_errors > 2 in 30s", "disk_percent != 60%",
            "critical_alerts > 0 for 1m"};

    private final SplittableRandom random = new SplittableRandom(4_2026_11_28L);
    private final ServiceWindows w = new ServiceWindows("chat-api", "production", 660);

    private Histogram latencies(long n, double medianMicros) {
        Histogram h = Histograms.create();
        for (long i = 0; i < n; i++) {
            h.recordValue(Math.max(1, (long) (medianMicros * Math.exp(0.5 * random.nextGaussian()))));
        }
        return h;
    }

    private void router(String revision, long t, double rps, double errorRate, double medianMicros) {
        long n = Math.max(0, Math.round(rps + Math.sqrt(rps) * random.nextGaussian()));
        if (n == 0) {
            return;
        }
        long errors = 0;
        for (long i = 0; i < n; i++) {
            errors += random.nextDouble() < errorRate ? 1 : 0;
        }
        w.revision(revision).addRouter(t, n, errors, errors / 2, latencies(n, medianMicros), n / 3, n / 2);
    }

    private void pushed(String revision, long t, double scale, boolean bad) {
        var r = w.revision(revision);
        r.addCustom(t, "payment_transactions", MetricKind.COUNTER, Math.round(20 * scale));
        r.addCustom(t, "payment_failures", MetricKind.COUNTER, bad && random.nextInt(4) == 0 ? 1 : 0);
        r.addCustom(t, "auth_attempts", MetricKind.COUNTER, Math.round(40 * scale));
        r.addCustom(t, "auth_failures", MetricKind.COUNTER, bad ? random.nextInt(6) : random.nextInt(2));
        r.addCustom(t, "ai_moderation_requests", MetricKind.COUNTER, 10);
        r.addCustom(t, "ai_moderation_success", MetricKind.COUNTER, bad ? 0 : 10);
        r.addCustom(t, "sessions", MetricKind.COUNTER, Math.round(30 * scale));
        r.addCustom(t, "session_failures", MetricKind.COUNTER, bad ? random.nextInt(8) : random.nextInt(2));
        r.addCustom(t, "db_errors", MetricKind.COUNTER, bad ? random.nextInt(4) : 0);
        r.addCustom(t, "db_connection_up", MetricKind.GAUGE, bad && random.nextInt(3) == 0 ? 0 : 1);
        r.addCustom(t, "cpu_percent", MetricKind.GAUGE, bad ? 88 + random.nextInt(10) : 40 + random.nextDouble() * 30);
        r.addCustom(t, "memory_percent", MetricKind.GAUGE, bad ? 91 + random.nextInt(5) : 50 + random.nextInt(10));
        r.addCustom(t, "disk_percent", MetricKind.GAUGE, 60);
        r.addCustom(t, "active_users", MetricKind.GAUGE, Math.round(300 * scale * (bad ? 0.6 : 1)));
        r.addCustom(t, "concurrent_connections", MetricKind.GAUGE, Math.round(80 * scale * (bad ? 0.5 : 1)));
    }

    @Test
    void everyRuleAtEverySecondIsTheSameAsBefore() {
        RuleParser parser = RuleParser.defaults();
        List<RuleDefinition> rules = new ArrayList<>(DefaultRules.all(parser));
        for (int i = 0; i < EXTRA.length; i++) {
            rules.add(RuleDefinition.of(parser, "extra-" + i, "extra", EXTRA[i]));
        }
        RuleEvaluator fast = new RuleEvaluator(RuleSettings.defaults());
        RuleEvaluator breaches = fast.breachesOnly();
        ReferenceRuleEvaluator reference = new ReferenceRuleEvaluator(RuleSettings.defaults());
        Map<RuleResult.Status, Integer> seen = new EnumMap<>(RuleResult.Status.class);
        long deploy = T0 + 320;
        long bad = 0;
        for (long t = T0; t < T0 + 1_250; t++) {
            // episodes: the canary goes bad now and then for 1–6 minutes
            if (t > deploy && bad < t && random.nextInt(200) == 0) {
                bad = t + 60 + random.nextInt(300);
            }
            boolean badNow = t < bad;
            router(STABLE, t, 90, 0.01, 60_000);
            if (t >= deploy && random.nextInt(40) != 0) { // the canary's router is silent now and then
                router(CANARY, t, 10, badNow ? 0.08 : 0.01, badNow ? 1_500_000 : 61_000);
            }
            if (t % 5 == 0) {
                pushed(STABLE, t, 0.9, false);
            }
            if (t >= deploy + 30 && t % 5 == 2 && !(t > T0 + 900 && t < T0 + 1_000)) { // a silent pushed source for a while
                pushed(CANARY, t, 0.1, badNow);
            }
            if (t >= deploy) {
                w.revision(CANARY).addCustom(t, "critical_alerts", MetricKind.GAUGE, badNow ? 1 : 0);
            }
            if (random.nextInt(20) == 0 && t > T0 + 10) { // a late router sample
                router(random.nextBoolean() ? STABLE : CANARY, t - 1 - random.nextInt(8), 5, 0.2, 900_000);
            }
            if (t == deploy) {
                w.captureBaseline(STABLE, Instant.ofEpochSecond(deploy), 300);
            }
            if (t < deploy + 5) {
                continue;
            }
            long end = t - 1;
            EvaluationContext ctx = new EvaluationContext(w, CANARY, STABLE, 0.1, w.baseline(), end);
            for (RuleDefinition rule : rules) {
                RuleResult expected = reference.evaluate(rule, ctx);
                RuleResult actual = fast.evaluate(rule, ctx);
                assertThat(actual).as("%s (%s) at end %d", rule.id(), rule.expression(), end - T0).isEqualTo(expected);
                // the every-second check without sentences decides the same, from the same second
                RuleResult quiet = fast.evaluate(rule, ctx, false);
                assertThat(quiet.status()).as("quiet %s at end %d", rule.id(), end - T0).isEqualTo(expected.status());
                assertThat(quiet.since()).as("quiet since %s at end %d", rule.id(), end - T0).isEqualTo(expected.since());
                // the every-second check's evaluator finds exactly the breaches, from the same second
                RuleResult check = breaches.evaluate(rule, ctx, false);
                assertThat(check.breached()).as("check %s at end %d", rule.id(), end - T0).isEqualTo(expected.breached());
                assertThat(check.since()).as("check since %s at end %d", rule.id(), end - T0).isEqualTo(expected.since());
                seen.merge(expected.status(), 1, Integer::sum);
            }
        }
        // the history exercised every outcome
        assertThat(seen).containsKeys(RuleResult.Status.BREACHED, RuleResult.Status.OK, RuleResult.Status.UNKNOWN);
        assertThat(seen.get(RuleResult.Status.BREACHED)).isGreaterThan(500);
    }
}
