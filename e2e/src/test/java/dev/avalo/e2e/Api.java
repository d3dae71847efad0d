package dev.avalo.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import dev.avalo.testing.TestTokens;

/** JSON over HTTP to one service's REST API, with a bearer token per role. */
final class Api {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private static final Map<String, String> TOKENS = new java.util.concurrent.ConcurrentHashMap<>();

    /** A response: status, raw body and the body as JSON (missing when it is not JSON). */
    record Resp(int status, String body, JsonNode json) {
        Resp expect(int wanted) {
            if (status != wanted) {
                throw new AssertionError("expected HTTP " + wanted + ", got " + status + ": " + body);
            }
            return this;
        }

        String text(String field) {
            return json.path(field).asText();
        }
    }

    private final String base;

    Api(String base) {
        this.base = base;
    }

    String base() {
        return base;
    }

    /** A token for {@code role} named {@code e2e-<role>} (cached: one per role for the whole run). */
    static String token(String role) {
        return TOKENS.computeIfAbsent(role, r -> TestTokens.token(r, "e2e-" + r));
    }

    Resp get(String role, String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), role);
    }

    Resp post(String role, String path, Object body) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json(body))), role);
    }

    Resp put(String role, String path, Object body) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json(body))), role);
    }

    Resp delete(String role, String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE(), role);
    }

    static String json(Object body) {
        if (body instanceof String s) {
            return s;
        }
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Resp send(HttpRequest.Builder request, String role) {
        if (role != null) {
            request.header("Authorization", "Bearer " + token(role));
        }
        try {
            HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode json;
            try {
                json = response.body().isEmpty() ? MissingNode.getInstance() : JSON.readTree(response.body());
            } catch (JsonProcessingException e) {
                json = MissingNode.getInstance();
            }
            return new Resp(response.statusCode(), response.body(), json == null ? MissingNode.getInstance() : json);
        } catch (IOException e) {
            throw new UncheckedIOException(request.build().method() + " " + request.build().uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
