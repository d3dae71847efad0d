package dev.avalo.health.problem;

/** A failure with an HTTP status, a title and the offending field: rendered as an RFC 9457 problem. */
public class ApiException extends RuntimeException {

    private final int status;
    private final String title;
    private final String field;

    public ApiException(int status, String title, String detail, String field) {
        super(detail);
        this.status = status;
        this.title = title;
        this.field = field;
    }

    public static ApiException notFound(String field, String detail) {
        return new ApiException(404, "Not Found", detail, field);
    }

    public static ApiException badRequest(String field, String detail) {
        return new ApiException(400, "Bad Request", detail, field);
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
}
