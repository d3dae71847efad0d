package dev.avalo.router.proxy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

import dev.avalo.contracts.Json;
import dev.avalo.contracts.problem.Problem;

/** RFC 9457 problem responses of the data plane (unknown host, upstream unreachable or too slow). */
final class Problems {

    private static final String TYPE_BASE = "https://avalo.dev/problems/";
    private static final CharSequence PROBLEM_JSON = HttpHeaders.createOptimized(Problem.MEDIA_TYPE);

    private Problems() {
    }

    static void send(HttpServerResponse response, int status, String slug, String title, String detail) {
        Buffer body = Buffer.buffer(Json.encode(new Problem(TYPE_BASE + slug, title, status, detail, null, null, null,
                null)));
        response.setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, PROBLEM_JSON)
                .putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(body.length()))
                .end(body);
    }
}
