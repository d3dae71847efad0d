package dev.avalo.router.proxy;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * A small upstream on a free port. {@code /} answers {"name", "headers", "bodyBytes"} after reading (and counting, not keeping)
 * the request body; {@code /status/N} answers status N; {@code /slow} never answers; {@code /big?bytes=N} streams N bytes
 * chunked, the first MiB at once and the rest only after {@link #openGate()}.
 */
final class FakeUpstream implements AutoCloseable {

    static final int MIB = 1024 * 1024;

    final String name;
    final AtomicInteger hits = new AtomicInteger();
    final AtomicLong bytesReceived = new AtomicLong();
    /** Connections accepted so far, and those still open. */
    final AtomicInteger connectionsAccepted = new AtomicInteger();
    final AtomicInteger connectionsOpen = new AtomicInteger();
    private final AtomicBoolean gate = new AtomicBoolean();
    private final Vertx vertx;
    private HttpServer server;

    private FakeUpstream(Vertx vertx, String name) {
        this.vertx = vertx;
        this.name = name;
    }

    static FakeUpstream start(Vertx vertx, String name) throws Exception {
        FakeUpstream u = new FakeUpstream(vertx, name);
        u.server = vertx.createHttpServer().requestHandler(u::handle).connectionHandler(c -> {
            u.connectionsAccepted.incrementAndGet();
            u.connectionsOpen.incrementAndGet();
            c.closeHandler(v -> u.connectionsOpen.decrementAndGet());
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return u;
    }

    /**
     * A URL on which nothing listens (connections are refused). A plain socket, bound and closed at once: a Vert.x server's
     * close may leave its listener accepting for a moment, which made a "dead" upstream accept and drop a connection.
     */
    static String deadUrl(Vertx vertx) throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        return "http://127.0.0.1:" + port;
    }

    int port() {
        return server.actualPort();
    }

    String url() {
        return "http://127.0.0.1:" + port();
    }

    void openGate() {
        gate.set(true);
    }

    private void handle(HttpServerRequest request) {
        hits.incrementAndGet();
        String path = request.path();
        if (path.equals("/slow")) {
            return;
        }
        if (path.startsWith("/status/")) {
            request.response().setStatusCode(Integer.parseInt(path.substring(8))).end(name);
            return;
        }
        if (path.equals("/big")) {
            streamBig(request.response(), Long.parseLong(request.getParam("bytes")));
            return;
        }
        AtomicLong count = new AtomicLong();
        request.handler(chunk -> {
            count.addAndGet(chunk.length());
            bytesReceived.addAndGet(chunk.length());
        });
        request.endHandler(v -> {
            Map<String, Object> headers = new TreeMap<>();
            request.headers().forEach(e -> headers.merge(e.getKey().toLowerCase(), e.getValue(),
                    (a, b) -> a + "|" + b));
            request.response().putHeader("Content-Type", "application/json").putHeader("X-Upstream", name)
                    .end(new JsonObject().put("name", name).put("headers", new JsonObject(headers))
                            .put("bodyBytes", count.get()).encode());
        });
    }

    private void streamBig(HttpServerResponse response, long total) {
        response.setChunked(true);
        Buffer chunk = Buffer.buffer(new byte[64 * 1024]);
        AtomicLong sent = new AtomicLong();
        Runnable[] pump = new Runnable[1];
        pump[0] = () -> {
            while (sent.get() < total) {
                if (sent.get() >= MIB && !gate.get()) {
                    vertx.setTimer(5, t -> pump[0].run());
                    return;
                }
                if (response.writeQueueFull()) {
                    response.drainHandler(v -> pump[0].run());
                    return;
                }
                int n = (int) Math.min(chunk.length(), total - sent.get());
                response.write(n == chunk.length() ? chunk : chunk.slice(0, n));
                sent.addAndGet(n);
            }
            response.end();
        };
        pump[0].run();
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
