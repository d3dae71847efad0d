package dev.avalo.router.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

import dev.avalo.contracts.Json;
import dev.avalo.contracts.problem.Problem;

/** RFC 9457 problem responses of the data plane (unknown host, bad request, upstream unreachable or too slow). */
final class Problems {

    private static final String TYPE_BASE = "https://avalo.dev/problems/";
    private static final AsciiString PROBLEM_JSON = AsciiString.cached(Problem.MEDIA_TYPE);

    private Problems() {
    }

    /**
     * A complete problem response; {@code keepAlive} false adds {@code Connection: close}, {@code revision} (may be null) the
     * {@code X-Avalo-Revision} header.
     */
    static FullHttpResponse response(ByteBufAllocator alloc, int status, String slug, String title, String detail,
            boolean keepAlive, CharSequence revision) {
        byte[] json = Json.encode(new Problem(TYPE_BASE + slug, title, status, detail, null, null, null, null));
        ByteBuf body = alloc.buffer(json.length).writeBytes(json);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                body);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, PROBLEM_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, json.length);
        if (revision != null) {
            response.headers().set(Headers.X_AVALO_REVISION, revision);
        }
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return response;
    }
}
