package dev.avalo.router.proxy;

import java.util.concurrent.ThreadLocalRandom;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

import dev.avalo.router.metrics.RevisionMetrics;
import dev.avalo.router.proxy.Upstreams.SideState;
import dev.avalo.router.route.CompiledRoute;
import dev.avalo.router.route.RouteTable;
import dev.avalo.router.route.StickyHash;

/**
 * The proxy on one event loop: an HTTP server sharing the proxy port with the other instances and its own HTTP client, whose
 * keep-alive pools to the upstreams are used by this event loop only. Nothing here blocks or locks.
 */
final class ProxyVerticle extends AbstractVerticle {

    /** Sticky cookies live a year. */
    private static final String COOKIE_ATTRIBUTES = "; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax";

    final int slot;
    final long responseTimeoutMillis;
    private final ReverseProxy owner;
    private final RouteTable table;
    private final Upstreams upstreams;
    private final int port;
    HttpClient client;
    private volatile int actualPort = -1;

    ProxyVerticle(ReverseProxy owner, int slot, int port) {
        this.owner = owner;
        this.slot = slot;
        this.port = port;
        this.table = owner.table;
        this.upstreams = owner.upstreams;
        this.responseTimeoutMillis = owner.config.responseTimeout().toMillis();
    }

    int actualPort() {
        return actualPort;
    }

    @Override
    public void start(Promise<Void> started) {
        client = vertx.createHttpClient(owner.clientOptions(), owner.poolOptions());
        vertx.createHttpServer(owner.serverOptions())
                .requestHandler(this::handle)
                .listen(port, owner.config.host())
                .onSuccess(server -> {
                    actualPort = server.actualPort();
                    started.complete();
                })
                .onFailure(started::fail);
    }

    private void handle(HttpServerRequest request) {
        long start = System.nanoTime();
        String host = request.getHeader(HttpHeaders.HOST);
        CompiledRoute route = table.forHost(host);
        if (route == null) {
            Problems.send(request.response(), 404, "unknown-host", "Not Found",
                    "no route for host '" + host + "' on this router");
            return;
        }
        String identity = null;
        String setCookie = null;
        if (route.stickyHeader() != null) {
            identity = request.getHeader(route.stickyHeader());
        } else if (route.stickyCookie() != null) {
            Cookie cookie = request.getCookie(route.stickyCookie());
            if (cookie != null && !cookie.getValue().isEmpty()) {
                identity = cookie.getValue();
            } else {
                identity = newIdentity();
                setCookie = route.stickyCookie() + "=" + identity + COOKIE_ATTRIBUTES;
            }
        }
        if (identity != null && identity.isEmpty()) {
            identity = null;
        }
        int bucket = identity != null ? StickyHash.bucket(identity) : ThreadLocalRandom.current().nextInt(10_000);
        SideState side = upstreams.state(route).sideFor(bucket);
        RevisionMetrics metrics = side.metrics;
        metrics.started();
        if (identity != null) {
            metrics.user(slot, identity);
        }
        boolean hasBody = request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null || hasContent(request);
        if (hasBody) {
            // nothing may be read before the upstream request exists; the pipe resumes it
            request.pause();
        }
        new Exchange(this, request, side, host, setCookie, start, hasBody).start();
    }

    private static boolean hasContent(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        return length != null && !length.equals("0");
    }

    private static String newIdentity() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
    }
}
