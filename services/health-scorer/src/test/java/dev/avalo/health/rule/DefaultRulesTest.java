package dev.avalo.health.rule;

import static dev.avalo.health.Traffic.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.avalo.health.Traffic;
import dev.avalo.health.rule.RuleResult.Status;
import dev.avalo.health.window.MetricKind;
import dev.avalo.health.window.ServiceWindows;

/**
 * Every default rule, breached and not breached at its edge: an episode a little shorter than the rule's duration never
 * breaches at any second, a little longer one does, and not before the duration has passed.
 */
class DefaultRulesTest {

    private static final String CANARY = "v2";
    private static final String STABLE = "v1";

    private final Map<String, RuleDefinition> rules = DefaultRules.all(RuleParser.defaults()).stream()
            .collect(Collectors.toMap(RuleDefinition::id, Function.identity()));
    private final RuleEvaluator evaluator = new RuleEvaluator(RuleSettings.defaults());
    private final ServiceWindows w = new ServiceWindows("chat-api", "production", 660);

    private RuleResult eval(String id, long end) {
        return evaluator.evaluate(rules.get(id), new EvaluationContext(w, CANARY, STABLE, 0.1, w.baseline(), end));
    }

    /** The first end second in {@code [from, to]} at which the rule is breached. */
    private OptionalLong firstBreach(String id, long from, long to) {
        for (long end = from; end <= to; end++) {
            if (eval(id, end).breached()) {
                return OptionalLong.of(end);
            }
        }
        return OptionalLong.empty();
    }

    /** 200 rps healthy from T0 for 650 s, with {@code errorsPerSecond} during {@code [T0+start, T0+start+faultSeconds)}. */
    private void errorEpisode(long start, long faultSeconds, long errorsPerSecond) {
        for (long t = T0; t < T0 + 650; t++) {
            boolean fault = t >= T0 + start && t < T0 + start + faultSeconds;
            Traffic.second(w, CANARY, t, 200, fault ? errorsPerSecond : 0, 40);
        }
    }

    @ParameterizedTest(name = "{0}: fault for {1} s of the rule''s {2} s → breached {3}")
    @CsvSource({
            "error-rate-3m, 174, 180, false", "error-rate-3m, 186, 180, true",
            "http-5xx-5m, 294, 300, false", "http-5xx-5m, 306, 300, true"})
    void errorRateRulesAtTheirEdge(String id, long faultSeconds, long ruleSeconds, boolean breached) {
        errorEpisode(60, faultSeconds, 20); // 10 % errors, all 5xx
        OptionalLong first = firstBreach(id, T0 + 60, T0 + 649);
        assertThat(first.isPresent()).isEqualTo(breached);
        if (breached) {
            // not before (almost) the whole duration was faulty
            assertThat(first.getAsLong()).isGreaterThanOrEqualTo(T0 + 60 + ruleSeconds - 2);
            RuleResult r = eval(id, first.getAsLong());
            assertThat(r.observed()).isGreaterThan(2.0);
            assertThat(r.lower()).isGreaterThan(r.threshold());
            assertThat(r.samples()).isEqualTo(200 * ruleSeconds);
            assertThat(r.since()).isBetween(Instant.ofEpochSecond(T0 + 58), Instant.ofEpochSecond(T0 + 60));
            // recovered once the fault ended long enough ago
            assertThat(eval(id, T0 + 649).status()).isEqualTo(Status.OK);
        }
    }

    @ParameterizedTest(name = "{0}: {1}% slow at {2} ms for {3} s → breached {4}")
    @CsvSource({
            "latency-p95-5m, 10, 1500, 294, false", "latency-p95-5m, 10, 1500, 306, true",
            "latency-p99-3m, 4, 4000, 174, false", "latency-p99-3m, 4, 4000, 186, true"})
    void latencyRulesAtTheirEdge(String id, int slowPercent, long slowMs, long faultSeconds, boolean breached) {
        long[] slow = new long[100];
        for (int i = 0; i < 100; i++) {
            slow[i] = i < slowPercent ? slowMs : 60;
        }
        for (long t = T0; t < T0 + 650; t++) {
            boolean fault = t >= T0 + 60 && t < T0 + 60 + faultSeconds;
            if (fault) {
                Traffic.second(w, CANARY, t, 200, 0, slow);
            } else {
                Traffic.second(w, CANARY, t, 200, 0, 60);
            }
        }
        OptionalLong first = firstBreach(id, T0 + 60, T0 + 649);
        assertThat(first.isPresent()).isEqualTo(breached);
        if (breached) {
            RuleResult r = eval(id, first.getAsLong());
            assertThat(r.observed()).as(r.detail()).isGreaterThan(r.threshold());
            assertThat(r.detail()).contains("slower than");
        }
    }

    @Test
    void errorRateNeedsTheWholeDurationObserved() {
        errorEpisode(0, 650, 100); // broken from its very first second
        assertThat(eval("error-rate-3m", T0 + 179).status()).isEqualTo(Status.UNKNOWN);
        assertThat(eval("error-rate-3m", T0 + 179).detail()).contains("179 s of the 180 s");
        assertThat(eval("error-rate-3m", T0 + 180).breached()).isTrue();
    }

    @Test
    void aHandfulOfCanaryRequestsDoesNotBreachButAClearlyBrokenCanaryDoes() {
        // 1 % of 20 rps: one request every 5 seconds; 2 of the 36 requests in 3 minutes fail (5.6 %)
        for (long t = T0; t < T0 + 300; t += 5) {
            Traffic.second(w, CANARY, t, 1, t == T0 + 200 || t == T0 + 250 ? 1 : 0, 40);
        }
        RuleResult few = eval("error-rate-3m", T0 + 300);
        assertThat(few.observed()).isGreaterThan(2.0);
        assertThat(few.status()).isEqualTo(Status.UNKNOWN);
        assertThat(few.lower()).isLessThan(2.0);
        assertThat(few.samples()).isEqualTo(36);

        ServiceWindows broken = new ServiceWindows("chat-api", "production", 660);
        for (long t = T0; t < T0 + 300; t += 5) {
            Traffic.second(broken, CANARY, t, 1, t % 30 == 0 ? 0 : 1, 40);
        }
        RuleResult bad = evaluator.evaluate(rules.get("error-rate-3m"),
                new EvaluationContext(broken, CANARY, STABLE, 0.01, null, T0 + 300));
        assertThat(bad.breached()).as(bad.detail()).isTrue();
    }

    @Test
    void threeErrorsInThirtySixRequestsAreNotEnoughToRollBack() {
        // a healthy 1 % canary shows this about once in 200 three-minute windows; plain Wilson at 95 % (2.9–22 %) would breach,
        // at the rules' 99.8 % it does not, and with the exact small-count bound not even at 95 % (1.7 %)
        for (long t = T0; t < T0 + 300; t += 5) {
            Traffic.second(w, CANARY, t, 1, t == T0 + 150 || t == T0 + 200 || t == T0 + 250 ? 1 : 0, 40);
        }
        RuleResult r = eval("error-rate-3m", T0 + 300);
        assertThat(r.samples()).isEqualTo(36);
        assertThat(r.status()).as(r.detail()).isEqualTo(Status.UNKNOWN);
        RuleEvaluator loose = new RuleEvaluator(new RuleSettings(dev.avalo.health.stats.Wilson.ninetyFive(),
                dev.avalo.health.stats.Wilson.ninetyFive(), 2, 60, 60, 100));
        assertThat(loose.evaluate(rules.get("error-rate-3m"),
                new EvaluationContext(w, CANARY, STABLE, 0.01, null, T0 + 300)).breached()).isFalse();
    }

    @Test
    void threeErrorsInTwentySixRequestsDoNotProveTwoPercent() {
        // seen in bench/judgement: a healthy 0.3 % canary at 1 % of 20 rps rolled back on 3 errors in 26 requests, which
        // plain Wilson at 99.8 % put at 2.35–41 %; a true 2 % shows 3 or more in 26 requests 1.4 % of the time
        for (long t = T0; t < T0 + 300; t++) {
            boolean request = t >= T0 + 120 && ((t - T0) % 7 == 0 || t == T0 + 299);
            boolean error = t == T0 + 140 || t == T0 + 147 || t == T0 + 154;
            Traffic.second(w, CANARY, t, request ? 1 : 0, error ? 1 : 0, 40);
        }
        RuleResult r = eval("error-rate-3m", T0 + 300);
        assertThat(r.samples()).isEqualTo(26);
        assertThat(r.lower()).as(r.detail()).isLessThan(2.0);
        assertThat(r.status()).as(r.detail()).isNotEqualTo(Status.BREACHED);
        // twenty more requests, all errors (23 in 46), are evidence
        for (long t = T0 + 161; t < T0 + 300; t += 7) {
            Traffic.second(w, CANARY, t, 1, 1, 40);
        }
        assertThat(eval("error-rate-3m", T0 + 300).breached()).isTrue();
    }

    @Test
    void noDataIsNeverABreach() {
        for (RuleDefinition rule : rules.values()) {
            RuleResult r = evaluator.evaluate(rule, new EvaluationContext(w, CANARY, STABLE, 0.1, null, T0 + 600));
            assertThat(r.status()).as(rule.id()).isEqualTo(Status.UNKNOWN);
        }
    }

    @ParameterizedTest(name = "{0} {1} in the last minute → breached {2}")
    @CsvSource({"db-errors-1m, 10, false", "db-errors-1m, 11, true"})
    void databaseErrorsCountedInOneMinute(String id, int errors, boolean breached) {
        Traffic.pushed(w, CANARY, "db_errors", MetricKind.COUNTER, T0, T0 + 120, 0);
        for (int i = 0; i < errors; i++) {
            w.revision(CANARY).addCustom(T0 + 61 + i * 5, "db_errors", MetricKind.COUNTER, 1);
        }
        RuleResult r = eval(id, T0 + 120);
        assertThat(r.breached()).isEqualTo(breached);
        assertThat(r.observed()).isEqualTo((double) errors);
        // 10 errors spread over more than a minute never breach
        assertThat(eval(id, T0 + 61 + 60 + 5).breached()).isFalse();
    }

    @ParameterizedTest(name = "{0} payment failures in 10 minutes → breached {1}")
    @CsvSource({"1, false", "2, true"})
    void paymentFailures(int failures, boolean breached) {
        Traffic.pushed(w, CANARY, "payment_failures", MetricKind.COUNTER, T0, T0 + 650, 0);
        w.revision(CANARY).addCustom(T0 + 30, "payment_failures", MetricKind.COUNTER, 1);
        if (failures > 1) {
            w.revision(CANARY).addCustom(T0 + 620, "payment_failures", MetricKind.COUNTER, failures - 1);
        }
        assertThat(eval("payment-failures-10m", T0 + 625).breached()).isEqualTo(breached);
        // the first failure leaves the 10-minute window
        assertThat(eval("payment-failures-10m", T0 + 631).breached()).isFalse();
    }

    @ParameterizedTest(name = "{0}: {1} s of failures → breached {2}")
    @CsvSource({
            "auth-failures-2m, 114, false", "auth-failures-2m, 126, true",
            "session-failures-5m, 294, false", "session-failures-5m, 306, true"})
    void pushedRatesAtTheirEdge(String id, long faultSeconds, boolean breached) {
        String attempts = id.startsWith("auth") ? "auth_attempts" : "sessions";
        String failures = id.startsWith("auth") ? "auth_failures" : "session_failures";
        for (long t = T0; t < T0 + 650; t++) {
            boolean fault = t >= T0 + 60 && t < T0 + 60 + faultSeconds;
            w.revision(CANARY).addCustom(t, attempts, MetricKind.COUNTER, 100);
            w.revision(CANARY).addCustom(t, failures, MetricKind.COUNTER, fault ? 20 : 0);
        }
        assertThat(firstBreach(id, T0 + 60, T0 + 649).isPresent()).isEqualTo(breached);
    }

    @ParameterizedTest(name = "moderation silent for {0} s → breached {1}")
    @CsvSource({"59, false", "61, true"})
    void aiModerationCompleteFailure(long zeroSeconds, boolean breached) {
        for (long t = T0; t < T0 + 300; t++) {
            boolean down = t >= T0 + 100 && t < T0 + 100 + zeroSeconds;
            w.revision(CANARY).addCustom(t, "ai_moderation_success", MetricKind.COUNTER, down ? 0 : 10);
        }
        assertThat(firstBreach("ai-moderation-failure", T0 + 100, T0 + 299).isPresent()).isEqualTo(breached);
    }

    @Test
    void aiModerationWithoutRequestsIsNotAFailure() {
        // a canary that got no traffic yet reports zeros for both: nothing was tried, so nothing failed
        Traffic.pushed(w, CANARY, "ai_moderation_requests", MetricKind.COUNTER, T0, T0 + 100, 0);
        Traffic.pushed(w, CANARY, "ai_moderation_success", MetricKind.COUNTER, T0, T0 + 100, 0);
        assertThat(eval("ai-moderation-failure", T0 + 100).status()).isEqualTo(Status.UNKNOWN);
        assertThat(eval("ai-moderation-failure", T0 + 100).detail()).contains("nothing was tried");
        // requests that all fail: the complete failure the rule is for
        Traffic.pushed(w, CANARY, "ai_moderation_requests", MetricKind.COUNTER, T0 + 100, T0 + 170, 5);
        Traffic.pushed(w, CANARY, "ai_moderation_success", MetricKind.COUNTER, T0 + 100, T0 + 170, 0);
        assertThat(eval("ai-moderation-failure", T0 + 170).status()).isEqualTo(Status.BREACHED);
    }

    @Test
    void aiModerationSilenceIsNotAFailure() {
        Traffic.pushed(w, CANARY, "ai_moderation_success", MetricKind.COUNTER, T0, T0 + 100, 10);
        // nothing pushed afterwards: the source is silent, not reporting zero
        assertThat(eval("ai-moderation-failure", T0 + 200).status()).isEqualTo(Status.UNKNOWN);
    }

    @Test
    void databaseConnectionLossIsImmediate() {
        Traffic.pushed(w, CANARY, "db_connection_up", MetricKind.GAUGE, T0, T0 + 10, 1);
        assertThat(eval("db-connection-loss", T0 + 10).status()).isEqualTo(Status.OK);
        w.revision(CANARY).addCustom(T0 + 10, "db_connection_up", MetricKind.GAUGE, 0);
        RuleResult r = eval("db-connection-loss", T0 + 11);
        assertThat(r.breached()).isTrue();
        assertThat(r.observed()).isZero();
        assertThat(eval("db-connection-loss", T0 + 11 + 61).status()).as("stale").isEqualTo(Status.UNKNOWN);
    }

    @ParameterizedTest(name = "{0}: {2}% for {3} s → breached {4}")
    @CsvSource({
            "memory-5m, memory_percent, 95, 294, false", "memory-5m, memory_percent, 95, 306, true",
            "cpu-10m, cpu_percent, 90, 594, false", "cpu-10m, cpu_percent, 90, 606, true"})
    void resourceGaugesAtTheirEdge(String id, String metric, double high, long seconds, boolean breached) {
        for (long t = T0; t < T0 + 659; t++) {
            boolean fault = t >= T0 + 20 && t < T0 + 20 + seconds;
            w.revision(CANARY).addCustom(t, metric, MetricKind.GAUGE, fault ? high : 50);
        }
        OptionalLong first = firstBreach(id, T0 + 20, T0 + 659);
        assertThat(first.isPresent()).isEqualTo(breached);
    }

    @Test
    void gaugesPushedEveryTenSecondsAreCarriedForward() {
        for (long t = T0; t < T0 + 400; t += 10) {
            w.revision(CANARY).addCustom(t, "memory_percent", MetricKind.GAUGE, 95);
        }
        assertThat(eval("memory-5m", T0 + 390).breached()).isTrue();
    }

    @ParameterizedTest(name = "disk {0}% → breached {1}")
    @CsvSource({"95, false", "96, true"})
    void disk(double disk, boolean breached) {
        w.revision(CANARY).addCustom(T0, "disk_percent", MetricKind.GAUGE, disk);
        assertThat(eval("disk-95", T0 + 1).breached()).isEqualTo(breached);
    }

    @ParameterizedTest(name = "canary median {0} ms vs stable 100 ms → breached {1}")
    @CsvSource({"140, false", "160, true"})
    void medianLatencyIncreaseVsStable(long canaryMedian, boolean breached) {
        for (long t = T0; t < T0 + 400; t++) {
            Traffic.second(w, STABLE, t, 1000, 0, 60, 100, 140);
            Traffic.second(w, CANARY, t, 100, 0, canaryMedian - 40, canaryMedian, canaryMedian + 40);
        }
        RuleResult r = eval("median-latency-increase", T0 + 400);
        assertThat(r.breached()).as(r.detail()).isEqualTo(breached);
        assertThat(r.observed()).isCloseTo(canaryMedian - 100.0, org.assertj.core.api.Assertions.within(1.0));
    }

    @Test
    void medianLatencyOnAHandfulOfRequestsDecidesNothing() {
        for (long t = T0; t < T0 + 400; t++) {
            Traffic.second(w, STABLE, t, 1000, 0, 60, 100, 140);
            if (t % 10 == 0) {
                Traffic.second(w, CANARY, t, 1, 0, 120 + (t / 10 % 3) * 40);
            }
        }
        RuleResult r = eval("median-latency-increase", T0 + 400);
        assertThat(r.observed()).isGreaterThan(50.0);
        assertThat(r.status()).as(r.detail()).isEqualTo(Status.UNKNOWN);
    }

    @ParameterizedTest(name = "active users {0} stable + {1} canary vs 1000 before → breached {2}")
    @CsvSource({"700, 150, false", "650, 100, true"})
    void activeUsersDropVsBaseline(double stable, double canary, boolean breached) {
        Traffic.pushed(w, STABLE, "active_users", MetricKind.GAUGE, T0, T0 + 300, 1000);
        w.captureBaseline(STABLE, Instant.ofEpochSecond(T0 + 300), 300);
        Traffic.pushed(w, STABLE, "active_users", MetricKind.GAUGE, T0 + 300, T0 + 600, stable);
        Traffic.pushed(w, CANARY, "active_users", MetricKind.GAUGE, T0 + 300, T0 + 600, canary);
        assertThat(eval("active-users-drop", T0 + 250).status()).as("the service not observed for 5 minutes yet")
                .isEqualTo(Status.UNKNOWN);
        RuleResult r = eval("active-users-drop", T0 + 600);
        assertThat(r.breached()).as(r.detail()).isEqualTo(breached);
        assertThat(r.observed()).isCloseTo(100 - (stable + canary) / 10, org.assertj.core.api.Assertions.within(1e-6));
    }

    @ParameterizedTest(name = "connections from the routers: stable {0} rps + canary 20 rps → breached {1}")
    @CsvSource({"280, false", "240, true"})
    void concurrentConnectionDropFromRouterFigures(long stableRps, boolean breached) {
        // Traffic.second reports requests/4 in-flight connections: 100 before, 75 or 65 after
        Traffic.seconds(w, STABLE, T0, T0 + 300, 400, 0, 40);
        w.captureBaseline(STABLE, Instant.ofEpochSecond(T0 + 300), 300);
        Traffic.seconds(w, STABLE, T0 + 300, T0 + 600, stableRps, 0, 40);
        Traffic.seconds(w, CANARY, T0 + 300, T0 + 600, 20, 0, 40);
        RuleResult r = eval("concurrent-connections-drop", T0 + 600);
        assertThat(r.breached()).as(r.detail()).isEqualTo(breached);
    }

    @Test
    void withoutABaselineARelativeRuleIsUnknown() {
        Traffic.seconds(w, CANARY, T0, T0 + 400, 20, 0, 40);
        assertThat(eval("concurrent-connections-drop", T0 + 400).status()).isEqualTo(Status.UNKNOWN);
        assertThat(eval("concurrent-connections-drop", T0 + 400).detail()).contains("baseline");
    }

    @Test
    void theRuleBookKeepsSinceAndReportsANewBreachOnce() {
        errorEpisode(0, 650, 100);
        RuleBook book = new RuleBook(evaluator);
        var rule = java.util.List.of(rules.get("error-rate-3m"));
        RuleBook.Round first = book.evaluate(rule, new EvaluationContext(w, CANARY, STABLE, 0.1, null, T0 + 200));
        RuleBook.Round second = book.evaluate(rule, new EvaluationContext(w, CANARY, STABLE, 0.1, null, T0 + 260));
        assertThat(first.newBreaches()).containsExactly("error-rate-3m");
        assertThat(second.newBreaches()).isEmpty();
        assertThat(second.breaches()).singleElement()
                .satisfies(b -> assertThat(b.since()).isEqualTo(Instant.ofEpochSecond(T0 + 20)));
    }

    @Test
    void aBreachThatEndsAndComesBackIsANewBreachWithItsOwnSince() {
        for (long t = T0; t < T0 + 650; t++) {
            boolean fault = t < T0 + 250 || t >= T0 + 450; // 50 % errors, then 200 s healthy, then errors again
            Traffic.second(w, CANARY, t, 200, fault ? 100 : 0, 40);
        }
        RuleBook book = new RuleBook(evaluator);
        var rule = java.util.List.of(rules.get("error-rate-3m"));
        java.util.List<Long> fresh = new java.util.ArrayList<>();
        RuleBook.Round last = null;
        for (long t = T0 + 200; t < T0 + 650; t++) {
            last = book.evaluate(rule, new EvaluationContext(w, CANARY, STABLE, 0.1, null, t), false);
            if (!last.newBreaches().isEmpty()) {
                fresh.add(t);
            }
        }
        assertThat(fresh).as("breached at once, cleared in the healthy gap, breached again").hasSize(2);
        assertThat(fresh.get(1)).isGreaterThan(T0 + 450);
        assertThat(last.breaches()).singleElement()
                .satisfies(b -> assertThat(b.since()).as("the second episode's start, not the first's")
                        .isAfter(Instant.ofEpochSecond(T0 + 400)));
    }

    @Test
    void aDescribedRoundDescribesTheBreachesTheEverySecondCheckFinds() {
        errorEpisode(0, 650, 100); // 50 % errors, all 5xx: the error rules breach, the latency rule holds
        var ids = java.util.List.of("error-rate-3m", "http-5xx-5m", "latency-p95-5m");
        var set = ids.stream().map(rules::get).toList();
        EvaluationContext ctx = new EvaluationContext(w, CANARY, STABLE, 0.1, null, T0 + 400);
        RuleBook.Round described = new RuleBook(evaluator).evaluate(set, ctx);
        RuleBook.Round quiet = new RuleBook(evaluator).evaluate(set, ctx, false);

        assertThat(described.results()).extracting(RuleResult::status)
                .containsExactly(Status.BREACHED, Status.BREACHED, Status.OK);
        // the every-second check finds the same breaches from the same seconds; whether the latency rule is OK or only
        // not breached it does not work out
        assertThat(quiet.results()).extracting(RuleResult::breached).containsExactly(true, true, false);
        assertThat(quiet.results()).extracting(RuleResult::since)
                .containsExactlyElementsOf(described.results().stream().map(RuleResult::since).toList());
        // a breach is described in full, exactly as the evaluator describes it on its own
        for (int k = 0; k < 2; k++) {
            assertThat(described.results().get(k)).isEqualTo(evaluator.evaluate(set.get(k), ctx, true));
            assertThat(described.results().get(k).detail()).isNotEmpty();
        }
        // a rule that holds reaches no report: it is not described
        assertThat(described.results().get(2).detail()).isEmpty();
    }
}
