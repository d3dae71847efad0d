package dev.avalo.health.rule;

import java.util.List;

/** A rule set that does not validate; each error names the offending field ({@code rules[2].expression}). */
public final class InvalidRuleException extends IllegalArgumentException {

    /** One invalid field. */
    public record FieldError(String field, String message) {
    }

    private final List<FieldError> errors;

    public InvalidRuleException(List<FieldError> errors) {
        super(errors.isEmpty() ? "invalid rules" : errors.get(0).field() + ": " + errors.get(0).message());
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }
}
