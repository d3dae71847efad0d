package dev.avalo.notifier.problem;

import java.util.Map;

/** A failure with an HTTP status, a title, the offending field and extras: rendered as an RFC 9457 problem. */
public class ApiException extends RuntimeException {

    private final int status;
    private final String title;
    private final String field;
    private final Map<String, Object> details;

    public ApiException(int status, String title, String detail, String field, Map<String, Object> details) {
        super(detail);
        this.status = status;
        this.title = title;
        this.field = field;
        this.details = details == null ? Map.of() : Map.copyOf(details);
    }

    public static ApiException notFound(String field, String detail) {
        return new ApiException(404, "Not Found", detail, field, null);
    }

    public static ApiException unprocessable(String field, String detail, Map<String, Object> details) {
        return new ApiException(422, "Unprocessable Content", detail, field, details);
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(403, "Forbidden", detail, null, null);
    }

    public static ApiException unauthorized(String detail) {
        return new ApiException(401, "Unauthorized", detail, null, null);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String field() {
        return field;
    }

    public Map<String, Object> details() {
        return details;
    }
}
