package dev.avalo.contracts.problem;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * An RFC 9457 problem, the error body of every REST call and every NATS command reply. {@code field} names the offending
 * request field; {@code errors} lists several; {@code details} carries machine-readable extras (schedule reasons, missing
 * checklist items).
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(
        String type,
        String title,
        int status,
        String detail,
        String instance,
        String field,
        List<FieldError> errors,
        Map<String, Object> details) {

    /** One invalid field. */
    @RegisterForReflection
    public record FieldError(String field, String message) {
    }

    /** The media type of a problem body. */
    public static final String MEDIA_TYPE = "application/problem+json";
}
