package dev.avalo.notifier.problem;

import java.util.List;

/** Bad input: becomes a 400 problem naming the fields (or 422 when {@code unprocessable}). */
public class ValidationException extends RuntimeException {

    /** One invalid field. */
    public record FieldError(String field, String message) {
    }

    private final List<FieldError> errors;

    public ValidationException(String message, List<FieldError> errors) {
        super(message + ": " + errors.stream().map(e -> e.field() + " " + e.message()).reduce((a, b) -> a + "; " + b)
                .orElse(""));
        this.errors = List.copyOf(errors);
    }

    public ValidationException(String field, String message) {
        this("invalid request", List.of(new FieldError(field, message)));
    }

    public List<FieldError> errors() {
        return errors;
    }
}
