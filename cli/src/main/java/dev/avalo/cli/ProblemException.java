package dev.avalo.cli;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An HTTP error from a service: the status and the RFC 9457 problem body ({@code problem} is null when the body was not JSON,
 * then {@code raw} holds its start).
 */
public class ProblemException extends CliException {

    private final String method;
    private final String url;
    private final int status;
    private final JsonNode problem;
    private final String raw;

    public ProblemException(String method, String url, int status, JsonNode problem, String raw) {
        super(ExitCodes.ofStatus(status), method + " " + url + ": HTTP " + status);
        this.method = method;
        this.url = url;
        this.status = status;
        this.problem = problem;
        this.raw = raw;
    }

    public String method() {
        return method;
    }

    public String url() {
        return url;
    }

    public int status() {
        return status;
    }

    public JsonNode problem() {
        return problem;
    }

    public String raw() {
        return raw;
    }
}
