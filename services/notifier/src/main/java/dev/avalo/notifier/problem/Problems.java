package dev.avalo.notifier.problem;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import io.quarkus.logging.Log;

import dev.avalo.contracts.DnsLabel;
import dev.avalo.contracts.problem.Problem;

/** Turns any failure into an RFC 9457 problem, the same for REST and NATS replies. Unknown failures are 500s, logged. */
public final class Problems {

    private static final String TYPE_BASE = "https://avalo.dev/problems/";

    private Problems() {
    }

    public static Problem of(Throwable e, String instance) {
        Throwable cause = unwrap(e);
        if (cause instanceof ApiException a) {
            return new Problem(type(a.status()), a.title(), a.status(), a.getMessage(), instance, a.field(), null,
                    a.details());
        }
        if (cause instanceof ValidationException v) {
            List<Problem.FieldError> errors = v.errors().stream()
                    .map(f -> new Problem.FieldError(f.field(), f.message())).toList();
            return new Problem(type(400), "Bad Request", 400, v.getMessage(), instance,
                    errors.isEmpty() ? null : errors.get(0).field(), errors, null);
        }
        if (cause instanceof DnsLabel.InvalidNameException n) {
            return new Problem(type(400), "Bad Request", 400, n.getMessage(), instance, n.field(), null, null);
        }
        if (cause instanceof JsonProcessingException j) {
            String field = fieldOf(j);
            return new Problem(type(400), "Bad Request", 400, "malformed JSON: " + j.getOriginalMessage(), instance,
                    field, null, null);
        }
        if (cause instanceof IllegalArgumentException i && i.getCause() instanceof JsonProcessingException j) {
            return new Problem(type(400), "Bad Request", 400, "malformed JSON: " + j.getOriginalMessage(), instance,
                    fieldOf(j), null, null);
        }
        Log.errorf(cause, "unexpected failure at %s", instance);
        return new Problem(type(500), "Internal Server Error", 500, "unexpected error; see the notifier log",
                instance, null, null, Map.of());
    }

    private static String fieldOf(JsonProcessingException j) {
        if (j instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
            StringBuilder sb = new StringBuilder();
            for (var ref : m.getPath()) {
                if (ref.getFieldName() != null) {
                    if (sb.length() > 0) {
                        sb.append('.');
                    }
                    sb.append(ref.getFieldName());
                } else if (ref.getIndex() >= 0) {
                    sb.append('[').append(ref.getIndex()).append(']');
                }
            }
            return sb.toString();
        }
        if (j instanceof InvalidFormatException f) {
            return f.getPathReference();
        }
        return null;
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String type(int status) {
        return switch (status) {
            case 400 -> TYPE_BASE + "bad-request";
            case 401 -> TYPE_BASE + "unauthorized";
            case 403 -> TYPE_BASE + "forbidden";
            case 404 -> TYPE_BASE + "not-found";
            case 409 -> TYPE_BASE + "conflict";
            case 422 -> TYPE_BASE + "unprocessable";
            default -> "about:blank";
        };
    }
}
