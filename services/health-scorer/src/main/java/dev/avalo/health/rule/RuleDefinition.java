package dev.avalo.health.rule;

/**
 * A rollback rule: an id (DNS-label-like, unique in a rule set), a sentence for people (the strategy document's wording for the
 * defaults), the expression as written and its parsed condition.
 */
public record RuleDefinition(String id, String description, String expression, Condition condition) {

    /** The pattern rule ids follow. */
    public static final String ID_PATTERN = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";

    /** Parses {@code expression} with {@code parser}. */
    public static RuleDefinition of(RuleParser parser, String id, String description, String expression) {
        return new RuleDefinition(id, description, expression, parser.parse(expression));
    }
}
