package dev.avalo.health.source;

/** A metric sample that is refused; names the offending field for an RFC 9457 problem. */
public final class InvalidSampleException extends IllegalArgumentException {

    private final String field;

    public InvalidSampleException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
