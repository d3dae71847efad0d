package dev.avalo.health.rule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class RuleRegistryTest {

    private final RuleRegistry registry = new RuleRegistry(RuleParser.defaults());

    @Test
    void overridesReplaceDisableAndAdd() {
        List<RuleDefinition> rules = registry.replace("chat-api", "production", List.of(
                new RuleOverride("error-rate-3m", null, "error_rate > 1% for 3m", null),
                new RuleOverride("disk-95", null, null, false),
                new RuleOverride("chat-p99", "Chat p99 above 800 ms for 2 minutes", "latency_p99 > 800ms for 2m", true)));
        assertThat(rules).extracting(RuleDefinition::id).contains("error-rate-3m", "chat-p99").doesNotContain("disk-95");
        assertThat(rules).filteredOn(r -> r.id().equals("error-rate-3m")).singleElement().satisfies(r -> {
            assertThat(r.expression()).isEqualTo("error_rate > 1% for 3m");
            assertThat(r.description()).isEqualTo("Error rate > 2% for 3 consecutive minutes");
        });
        assertThat(registry.effective("chat-api", "production")).isEqualTo(rules);
        assertThat(registry.effective("chat-api", "staging")).isEqualTo(registry.defaults());

        registry.replace("chat-api", "production", List.of());
        assertThat(registry.effective("chat-api", "production")).isEqualTo(registry.defaults());
    }

    @Test
    void anInvalidSetChangesNothingAndNamesEveryField() {
        registry.replace("chat-api", "production", List.of(new RuleOverride("disk-95", null, null, false)));
        assertThatThrownBy(() -> registry.replace("chat-api", "production", List.of(
                new RuleOverride("Bad Id", "x", "error_rate > 1%", null),
                new RuleOverride("new-rule", null, "error_rate > 1% for 3m", null),
                new RuleOverride("typo", "t", "error_rate >> 1%", null),
                new RuleOverride("typo", "t", "error_rate > 1%", null),
                new RuleOverride("nothing-to-disable", null, null, false))))
                .isInstanceOfSatisfying(InvalidRuleException.class, e -> assertThat(e.errors())
                        .extracting(InvalidRuleException.FieldError::field)
                        .containsExactly("rules[0].id", "rules[1].description", "rules[2].expression", "rules[3].id",
                                "rules[4].id"));
        assertThat(registry.effective("chat-api", "production")).extracting(RuleDefinition::id).doesNotContain("disk-95");
    }
}
