package dev.avalo.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

import dev.avalo.contracts.Json;

/**
 * One service's REST API ({@code /api/v1} under {@code baseUrl}) with a bearer token. A 4xx/5xx becomes a
 * {@link ProblemException}; an unreachable service a {@link CliException} with exit code 1.
 */
public final class Api {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final String baseUrl;
    private final Supplier<String> token;

    /** {@code token} is asked for on the first request (null or a null token: no Authorization header). */
    public Api(String baseUrl, Supplier<String> token) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.token = token;
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** A response: status and JSON body ({@link NullNode} when empty). */
    public record Response(int status, JsonNode body) {
    }

    public JsonNode get(String path) {
        return send("GET", path, null, Map.of()).body();
    }

    public JsonNode post(String path, Object body) {
        return send("POST", path, body, Map.of()).body();
    }

    public JsonNode delete(String path) {
        return send("DELETE", path, null, Map.of()).body();
    }

    /** Sends a request to {@code /api/v1 + path}; throws {@link ProblemException} on a status of 400 or more. */
    public Response send(String method, String path, Object body, Map<String, String> headers) {
        String url = baseUrl + "/api/v1" + path;
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "not a valid URL: " + url);
        }
        request.header("Accept", "application/json");
        String bearer = token == null ? null : token.get();
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        headers.forEach(request::header);
        if (body != null) {
            request.header("Content-Type", "application/json");
            request.method(method, HttpRequest.BodyPublishers.ofByteArray(Json.encode(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response;
        try {
            response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw new CliException(ExitCodes.FAILED, "cannot reach " + baseUrl + " (" + describe(e) + ")", e);
        } catch (HttpTimeoutException e) {
            throw new CliException(ExitCodes.FAILED, method + " " + url + ": no answer within " + REQUEST_TIMEOUT.toSeconds()
                    + " s", e);
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, "cannot reach " + baseUrl + " (" + describe(e) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.FAILED, "interrupted", e);
        }
        JsonNode json = parse(response.body());
        if (response.statusCode() >= 400) {
            String raw = response.body() == null ? "" : response.body();
            throw new ProblemException(method, url, response.statusCode(), json != null && json.isObject() ? json : null,
                    raw.length() > 500 ? raw.substring(0, 500) : raw);
        }
        return new Response(response.statusCode(), json == null ? NullNode.getInstance() : json);
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return Json.mapper().readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    /** {@code ?k=v&…} of the pairs whose value is not null, URL-encoded; empty when none. */
    public static String query(Object... keysAndValues) {
        StringJoiner joiner = new StringJoiner("&", "?", "");
        joiner.setEmptyValue("");
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            Object value = keysAndValues[i + 1];
            if (value != null) {
                joiner.add(keysAndValues[i] + "=" + URLEncoder.encode(String.valueOf(value), StandardCharsets.UTF_8));
            }
        }
        return joiner.toString();
    }

    /** A path segment, URL-encoded. */
    public static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
