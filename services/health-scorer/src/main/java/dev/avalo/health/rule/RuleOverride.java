package dev.avalo.health.rule;

/**
 * One entry of a service's rule overrides: a rule id (a default's id replaces or, with {@code enabled: false}, disables that
 * default; a new id adds a rule), a sentence and an expression in the rule language.
 */
public record RuleOverride(String id, String description, String expression, Boolean enabled) {
}
