package dev.avalo.router.proxy;

import java.net.ConnectException;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;

import dev.avalo.router.proxy.Upstreams.SideState;

/**
 * One proxied request, on its event loop from start to end: picks an upstream, forwards the request head and streams its body,
 * then streams the response back with back-pressure. A connect failure is retried once on another upstream of the same side
 * (nothing was sent yet); otherwise it becomes a 502 problem, a response timeout a 504 problem. Records the outcome exactly
 * once.
 */
final class Exchange implements Handler<Buffer> {

    static final CharSequence X_AVALO_REVISION = HttpHeaders.createOptimized("X-Avalo-Revision");
    static final CharSequence X_FORWARDED_FOR = HttpHeaders.createOptimized("X-Forwarded-For");
    static final CharSequence X_FORWARDED_PROTO = HttpHeaders.createOptimized("X-Forwarded-Proto");
    static final CharSequence X_FORWARDED_HOST = HttpHeaders.createOptimized("X-Forwarded-Host");
    private static final CharSequence HTTP = HttpHeaders.createOptimized("http");
    private static final CharSequence HTTPS = HttpHeaders.createOptimized("https");
    /** Status recorded when the client went away before its response ended (as nginx logs it). */
    static final int CLIENT_CLOSED = 499;

    private final ProxyVerticle proxy;
    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final SideState side;
    private final String host;
    private final String setCookie;
    private final long startNanos;
    private final boolean hasBody;

    private Upstream upstream;
    private HttpClientRequest upstreamRequest;
    private HttpClientResponse upstreamResponse;
    private int status;
    /** Body bytes the upstream response still owes per its Content-Length, or -1 when it declared none. */
    private long remaining = -1;
    /** The chunk completing a Content-Length body: sent together with the end, in one write. */
    private Buffer last;
    private boolean retried;
    private boolean done;

    Exchange(ProxyVerticle proxy, HttpServerRequest request, SideState side, String host, String setCookie, long startNanos,
            boolean hasBody) {
        this.proxy = proxy;
        this.request = request;
        this.response = request.response();
        this.side = side;
        this.host = host;
        this.setCookie = setCookie;
        this.startNanos = startNanos;
        this.hasBody = hasBody;
    }

    void start() {
        response.closeHandler(this::onClientClosed);
        upstream = side.pick(null);
        connect();
    }

    private void connect() {
        RequestOptions options = new RequestOptions()
                .setServer(upstream.address())
                .setHost(upstream.host())
                .setPort(upstream.port())
                .setMethod(request.method())
                .setURI(request.uri())
                // bounds the wait for a pooled connection; the response timeout starts once the request is sent
                .setConnectTimeout(proxy.responseTimeoutMillis);
        proxy.client.request(options, this::onUpstreamRequest);
    }

    private void onUpstreamRequest(AsyncResult<HttpClientRequest> ar) {
        if (ar.failed()) {
            onFailure(ar.cause());
            return;
        }
        if (done) {
            ar.result().reset();
            return;
        }
        upstream.succeeded();
        HttpClientRequest out = ar.result();
        upstreamRequest = out;
        MultiMap headers = out.headers();
        HopByHop.copy(request.headers(), headers, true);
        String prior = request.getHeader(X_FORWARDED_FOR);
        SocketAddress remote = request.remoteAddress();
        String client = remote == null ? "unknown" : remote.hostAddress();
        headers.set(X_FORWARDED_FOR, prior == null ? client : prior + ", " + client);
        headers.set(X_FORWARDED_PROTO, request.isSSL() ? HTTPS : HTTP);
        if (host != null) {
            headers.set(X_FORWARDED_HOST, host);
        }
        out.response(this::onUpstreamResponse);
        if (hasBody) {
            if (!headers.contains(HttpHeaders.CONTENT_LENGTH)) {
                out.setChunked(true);
            }
            request.pipeTo(out, this::onRequestSent);
        } else {
            out.end();
            out.idleTimeout(proxy.responseTimeoutMillis);
        }
    }

    private void onRequestSent(AsyncResult<Void> ar) {
        if (ar.succeeded() && !done) {
            upstreamRequest.idleTimeout(proxy.responseTimeoutMillis);
        }
    }

    private void onUpstreamResponse(AsyncResult<HttpClientResponse> ar) {
        if (ar.failed()) {
            onFailure(ar.cause());
            return;
        }
        HttpClientResponse in = ar.result();
        if (done) {
            return;
        }
        upstreamResponse = in;
        status = in.statusCode();
        response.setStatusCode(status);
        MultiMap headers = response.headers();
        HopByHop.copy(in.headers(), headers, false);
        headers.add(X_AVALO_REVISION, side.revisionHeader);
        if (setCookie != null) {
            headers.add(HttpHeaders.SET_COOKIE, setCookie);
        }
        if (!headers.contains(HttpHeaders.CONTENT_LENGTH) && request.method() != HttpMethod.HEAD && status != 204
                && status != 304 && status >= 200) {
            response.setChunked(true);
        }
        remaining = contentLength(headers.get(HttpHeaders.CONTENT_LENGTH));
        in.exceptionHandler(this::onUpstreamBodyFailed);
        in.endHandler(this::onUpstreamEnd);
        in.handler(this);
    }

    /** A chunk of the upstream response body. */
    @Override
    public void handle(Buffer chunk) {
        if (remaining > 0 && (remaining -= chunk.length()) <= 0 && last == null) {
            // the body is complete and its end follows at once (the decoder saw it): send the chunk with the end, so the
            // response head, body and end leave in one write instead of two
            last = chunk;
            return;
        }
        if (last != null) {
            // more than the declared length (the decoder never delivers that): keep the order anyway
            Buffer held = last;
            last = null;
            response.write(held);
        }
        response.write(chunk);
        if (response.writeQueueFull()) {
            upstreamResponse.pause();
            response.drainHandler(this::onDrain);
        }
    }

    private void onDrain(Void v) {
        upstreamResponse.resume();
    }

    private void onUpstreamEnd(Void v) {
        if (done) {
            return;
        }
        Buffer chunk = last;
        if (chunk != null) {
            last = null;
            response.end(chunk);
        } else {
            response.end();
        }
        finish(status, false);
    }

    private void onUpstreamBodyFailed(Throwable t) {
        if (done) {
            return;
        }
        response.reset();
        finish(status, true);
    }

    private void onClientClosed(Void v) {
        if (done) {
            return;
        }
        if (upstreamRequest != null) {
            upstreamRequest.reset();
        }
        finish(CLIENT_CLOSED, false);
    }

    private void onFailure(Throwable t) {
        if (done) {
            return;
        }
        if (t instanceof ConnectException) {
            upstream.connectFailed();
            if (!retried && upstreamRequest == null) {
                retried = true;
                Upstream next = side.pick(upstream);
                if (next != upstream) {
                    upstream = next;
                    connect();
                    return;
                }
            }
            fail(502, "upstream-unreachable", "Bad Gateway", "cannot connect to upstream " + upstream + " of revision "
                    + side.revision);
        } else if (t instanceof TimeoutException) {
            fail(504, "upstream-timeout", "Gateway Timeout", "upstream " + upstream + " of revision " + side.revision
                    + " did not respond within " + proxy.responseTimeoutMillis + " ms");
        } else {
            fail(502, "upstream-failed", "Bad Gateway", "upstream " + upstream + " of revision " + side.revision
                    + " failed: " + t.getMessage());
        }
    }

    private static long contentLength(String value) {
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void fail(int code, String slug, String title, String detail) {
        if (response.headWritten() || response.closed()) {
            response.reset();
        } else {
            response.headers().set(X_AVALO_REVISION, side.revisionHeader);
            Problems.send(response, code, slug, title, detail);
        }
        finish(code, true);
    }

    private void finish(int code, boolean proxyError) {
        done = true;
        side.metrics.completed(proxy.slot, code, (System.nanoTime() - startNanos) / 1000, proxyError);
    }

    /** Hop-by-hop headers (RFC 9110 §7.6.1) are not forwarded. */
    static final class HopByHop {

        private HopByHop() {
        }

        static void copy(MultiMap from, MultiMap to, boolean request) {
            String connection = from.get(HttpHeaders.CONNECTION);
            if (connection != null && connection.length() == 10 && connection.equalsIgnoreCase("keep-alive")) {
                // the common case lists only keep-alive, itself hop-by-hop: nothing else to drop
                connection = null;
            }
            for (Map.Entry<String, String> e : from) {
                String name = e.getKey();
                if (!isHopByHop(name, request) && (connection == null || !listedIn(connection, name))) {
                    to.add(name, e.getValue());
                }
            }
        }

        static boolean isHopByHop(String name, boolean request) {
            switch (name.length()) {
                case 2 :
                    return name.equalsIgnoreCase("te");
                case 6 :
                    // the proxy answers Expect: 100-continue itself
                    return request && name.equalsIgnoreCase("expect");
                case 7 :
                    return name.equalsIgnoreCase("upgrade") || name.equalsIgnoreCase("trailer");
                case 10 :
                    return name.equalsIgnoreCase("connection") || name.equalsIgnoreCase("keep-alive");
                case 17 :
                    return name.equalsIgnoreCase("transfer-encoding");
                default :
                    return name.length() > 6 && name.regionMatches(true, 0, "proxy-", 0, 6);
            }
        }

        /** Whether {@code name} is one of the comma-separated tokens of a Connection header (besides close/keep-alive). */
        static boolean listedIn(String connection, String name) {
            int n = connection.length();
            int i = 0;
            while (i < n) {
                int comma = connection.indexOf(',', i);
                int end = comma < 0 ? n : comma;
                int s = i;
                int t = end;
                while (s < t && connection.charAt(s) == ' ') {
                    s++;
                }
                while (t > s && connection.charAt(t - 1) == ' ') {
                    t--;
                }
                if (t - s == name.length() && connection.regionMatches(true, s, name, 0, name.length())) {
                    return true;
                }
                i = end + 1;
            }
            return false;
        }
    }
}
