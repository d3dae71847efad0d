package dev.avalo.health.rule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.avalo.health.rule.Condition.CountInWindow;
import dev.avalo.health.rule.Condition.Relative;
import dev.avalo.health.rule.Condition.Threshold;

class RuleParserTest {

    private final RuleParser parser = RuleParser.defaults();

    @Test
    void sustained() {
        Threshold t = (Threshold) parser.parse("error_rate > 2% for 3m");
        assertThat(t.metric().name()).isEqualTo("error_rate");
        assertThat(t.op()).isEqualTo(Comparator.GT);
        assertThat(t.value()).isEqualTo(2.0);
        assertThat(t.sustained()).isEqualTo(Duration.ofMinutes(3));
    }

    @Test
    void countInWindow() {
        CountInWindow c = (CountInWindow) parser.parse("payment_failures > 1 in 10m");
        assertThat(c.metric().name()).isEqualTo("payment_failures");
        assertThat(c.value()).isEqualTo(1.0);
        assertThat(c.window()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void relativeToStableAndBaseline() {
        Relative p50 = (Relative) parser.parse("latency_p50 increase > 50% vs stable");
        assertThat(p50.direction()).isEqualTo(Condition.Direction.INCREASE);
        assertThat(p50.reference()).isEqualTo(Condition.Reference.STABLE);
        assertThat(p50.percent()).isEqualTo(50.0);
        assertThat(p50.over()).isEqualTo(Duration.ofMinutes(5));

        Relative users = (Relative) parser.parse("active_users drop > 20% vs baseline over 2m");
        assertThat(users.direction()).isEqualTo(Condition.Direction.DROP);
        assertThat(users.reference()).isEqualTo(Condition.Reference.BASELINE);
        assertThat(users.over()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void theIssuesSpellingOfLatencyNamesIsAccepted() {
        Relative p50 = (Relative) parser.parse("p50_latency increase > 50% vs stable");
        assertThat(p50.metric().name()).isEqualTo("latency_p50");
    }

    @Test
    void zeroAndAbsence() {
        Threshold moderation = (Threshold) parser.parse("ai_moderation_success == 0 for 1m");
        assertThat(moderation.op()).isEqualTo(Comparator.EQ);
        assertThat(moderation.sustained()).isEqualTo(Duration.ofMinutes(1));
        Threshold db = (Threshold) parser.parse("db_connection_up == 0");
        assertThat(db.sustained()).isNull();
    }

    @Test
    void unitsAndSpacing() {
        Threshold t = (Threshold) parser.parse("  latency_p95>1200ms   for 300s ");
        assertThat(t.value()).isEqualTo(1200.0);
        assertThat(t.sustained()).isEqualTo(Duration.ofMinutes(5));
        assertThat(((Threshold) parser.parse("cpu_percent >= 85.5%")).value()).isEqualTo(85.5);
    }

    @ParameterizedTest(name = "''{0}'' fails at column {1} expecting {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "                                       | 1  | a metric name",
            "errors_rate > 2%                       | 1  | a known metric",
            "error_rate 2%                          | 12 | a comparator",
            "error_rate > for 3m                    | 14 | a number",
            "error_rate > 2% for                    | 20 | a duration",
            "error_rate > 2% for 3                  | 21 | a duration",
            "error_rate > 2% for 3x                 | 22 | a unit",
            "error_rate > 2% for 11m                | 21 | at most 10m",
            "error_rate > 2% in 3m                  | 17 | 'for'",
            "error_rate > 200%                      | 14 | a percentage between 0 and 100",
            "latency_p95 > 12%                      | 15 | a number of milliseconds",
            "payment_failures > 1ms in 10m          | 20 | a plain number",
            "error_rate > 2% for 3m please          | 24 | the end of the rule",
            "latency_p50 increase > 50 vs stable    | 27 | '%'",
            "latency_p50 increase < 50% vs stable   | 22 | '>' or '>='",
            "latency_p50 increase > 50% versus x    | 28 | 'vs'",
            "latency_p50 increase > 50% vs canary   | 31 | 'stable' or 'baseline'",
            "active_users drop > 120% vs baseline   | 21 | a drop of at most 100%",
            "error_rate = 2                         | 12 | a comparator",
            "error_rate > 2% for 0m                 | 21 | longer than zero",
    })
    void errorsSayWhereAndWhat(String rule, int column, String expected) {
        assertThatThrownBy(() -> parser.parse(rule == null ? "" : rule))
                .isInstanceOfSatisfying(RuleSyntaxException.class, e -> {
                    assertThat(e.column()).as(e.getMessage()).isEqualTo(column);
                    assertThat(e.expected()).contains(expected);
                    assertThat(e.getMessage()).startsWith("at column " + column + ": expected ");
                });
    }

    @Test
    void everyDefaultRuleParsesWithItsIdAndWording() {
        var rules = DefaultRules.all(parser);
        assertThat(rules).hasSize(16);
        assertThat(rules).extracting(RuleDefinition::id).doesNotHaveDuplicates().allMatch(id -> id.matches(
                RuleDefinition.ID_PATTERN));
        assertThat(rules).extracting(RuleDefinition::description).contains(
                "Error rate > 2% for 3 consecutive minutes", "5xx errors > 1% for 5 minutes",
                "Database errors > 10 in 1 minute", "P95 latency > 1200ms for 5 minutes", "P99 latency > 3000ms for 3 minutes",
                "Median latency increases by > 50%", "Payment processing failures > 1 in 10 minutes",
                "Authentication failures > 5% for 2 minutes", "AI moderation complete failure", "Database connection loss",
                "Memory usage > 90% for 5 minutes", "CPU usage > 85% for 10 minutes", "Disk usage > 95%",
                "Active user count drops by > 20%", "Session failures > 10% for 5 minutes",
                "Concurrent connection drop > 30%");
    }
}
