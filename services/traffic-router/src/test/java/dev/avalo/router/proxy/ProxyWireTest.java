package dev.avalo.router.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import dev.avalo.contracts.route.DesiredRoute;
import dev.avalo.contracts.route.RouteTarget;
import dev.avalo.contracts.route.Stickiness;
import dev.avalo.router.metrics.ProxyMetrics;
import dev.avalo.router.route.RouteCompiler;
import dev.avalo.router.route.RouteTable;
import dev.avalo.router.route.StickyHash;
import dev.avalo.testing.MutableClock;

/**
 * HTTP/1.1 on the wire through the data plane, with raw sockets: pipelining, HTTP/1.0 clients, Expect, HEAD framing, keep-alive
 * reuse of upstream connections, the stale keep-alive race, and clients that leave early.
 */
class ProxyWireTest {

    static Vertx vertx;
    static FakeUpstream blue;
    static RouteTable table;
    static ProxyMetrics metrics;
    static ReverseProxy proxy;
    static final Map<String, Long> generations = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        blue = FakeUpstream.start(vertx, "blue");
        table = new RouteTable(Map.of());
        metrics = new ProxyMetrics(2, null);
        proxy = new ReverseProxy(ProxyTest.config(), table, metrics,
                MutableClock.of(Instant.parse("2026-11-28T10:00:00Z")), 2);
        proxy.start();
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.stop();
        blue.close();
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    static void route(String service, String upstream) {
        long generation = generations.merge(service, 1L, Long::sum);
        DesiredRoute r = new DesiredRoute(service, "production", generation, new RouteTarget(service + "-v1",
                List.of(upstream)), null, 0, Stickiness.defaultHeader(), "test");
        table.apply(RouteCompiler.compile(service + ".production", r, "production"));
    }

    record Reply(String statusLine, Map<String, String> headers, String body) {
        int status() {
            return Integer.parseInt(statusLine.split(" ")[1]);
        }
    }

    static Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", proxy.port()), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    static void write(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        if (c == -1 && b.size() == 0) {
            return null;
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads one response; {@code head} true for a response to HEAD (no body whatever the headers say). */
    static Reply read(InputStream in, boolean head) throws IOException {
        String status = line(in);
        assertThat(status).as("a status line").isNotNull();
        Map<String, String> headers = new HashMap<>();
        String l;
        while ((l = line(in)) != null && !l.isEmpty()) {
            int colon = l.indexOf(':');
            headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (!head && !status.contains(" 100 ")) {
            if (headers.containsKey("content-length")) {
                body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
            } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                int size;
                while ((size = Integer.parseInt(line(in).trim(), 16)) > 0) {
                    body.write(in.readNBytes(size));
                    line(in);
                }
                line(in);
            } else {
                body.write(in.readAllBytes());
            }
        }
        return new Reply(status, headers, body.toString(StandardCharsets.UTF_8));
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        route("pipe", blue.url());
        try (Socket s = connect()) {
            write(s, "GET /one HTTP/1.1\r\nHost: pipe\r\n\r\nGET /status/201 HTTP/1.1\r\nHost: pipe\r\n\r\n"
                    + "GET /three HTTP/1.1\r\nHost: pipe\r\nX-User-Id: u1\r\n\r\n");
            InputStream in = s.getInputStream();
            Reply first = read(in, false);
            Reply second = read(in, false);
            Reply third = read(in, false);
            assertThat(first.status()).isEqualTo(200);
            assertThat(new JsonObject(first.body()).getString("name")).isEqualTo("blue");
            assertThat(second.status()).isEqualTo(201);
            assertThat(third.status()).isEqualTo(200);
            assertThat(third.headers()).containsEntry("x-avalo-revision", "pipe-v1");
        }
    }

    @Test
    void eachRequestIsRoutedByItsOwnHostOnAConnectionThatChangesHost() throws Exception {
        route("first-host", blue.url());
        route("second-host", blue.url());
        try (Socket s = connect()) {
            // the decoder reuses the last Host's String while the bytes are the same: a different Host must not be missed
            write(s, "GET / HTTP/1.1\r\nHost: first-host\r\n\r\nGET / HTTP/1.1\r\nHost: first-host\r\n\r\n"
                    + "GET / HTTP/1.1\r\nHost: second-host\r\n\r\nGET / HTTP/1.1\r\nHost: first-hosT\r\n\r\n"
                    + "GET / HTTP/1.1\r\nHost: first-hos\r\n\r\nGET / HTTP/1.1\r\nHost: second-host\r\n\r\n");
            InputStream in = s.getInputStream();
            List<String> revisions = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Reply r = read(in, false);
                revisions.add(r.status() == 404 ? "404" : r.headers().get("x-avalo-revision"));
            }
            assertThat(revisions).containsExactly("first-host-v1", "first-host-v1", "second-host-v1", "first-host-v1", "404",
                    "second-host-v1");
        }
    }

    @Test
    void theSideOfAUserIsTheStickyHashOfTheIdentityTheHeaderSpellsWhateverItsBytes() throws Exception {
        long generation = generations.merge("identities", 1L, Long::sum);
        table.apply(RouteCompiler.compile("identities.production", new DesiredRoute("identities", "production", generation,
                new RouteTarget("identities-v1", List.of(blue.url())), new RouteTarget("identities-v2", List.of(blue.url())),
                5000, Stickiness.defaultHeader(), "test"), "production"));
        List<String> identities = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            identities.add("user-" + i); // ASCII: hashed from the request's bytes
            identities.add("m\u00fcller-" + i); // a Latin-1 byte: hashed from the text, as UTF-8
        }
        identities.add("x".repeat(300)); // longer than the loop's scratch array
        identities.add("user-1" + "\t"); // trailing whitespace is not part of the value
        try (Socket s = connect()) {
            InputStream in = s.getInputStream();
            for (String identity : identities) {
                write(s, "GET / HTTP/1.1\r\nHost: identities\r\nX-User-Id: " + identity + "\r\n\r\n");
                String value = identity.strip();
                String expected = StickyHash.bucket(StickyHash.hash(value)) < 5000 ? "identities-v2" : "identities-v1";
                assertThat(read(in, false).headers().get("x-avalo-revision")).as(value).isEqualTo(expected);
            }
        }
    }

    @Test
    void anHttp10ClientGetsItsAnswerAndTheConnectionCloses() throws Exception {
        route("old", blue.url());
        try (Socket s = connect()) {
            write(s, "GET / HTTP/1.0\r\nHost: old\r\n\r\n");
            InputStream in = s.getInputStream();
            Reply r = read(in, false);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers()).containsEntry("x-avalo-revision", "old-v1");
            assertThat(in.read()).as("the proxy closes an HTTP/1.0 connection without keep-alive").isEqualTo(-1);
        }
    }

    @Test
    void expectContinueIsAnsweredAndTheBodyForwarded() throws Exception {
        route("expect", blue.url());
        try (Socket s = connect()) {
            write(s, "POST /upload HTTP/1.1\r\nHost: expect\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
            InputStream in = s.getInputStream();
            Reply cont = read(in, false);
            assertThat(cont.status()).isEqualTo(100);
            write(s, "hello");
            Reply r = read(in, false);
            assertThat(r.status()).isEqualTo(200);
            JsonObject json = new JsonObject(r.body());
            assertThat(json.getLong("bodyBytes")).isEqualTo(5);
            assertThat(json.getJsonObject("headers").containsKey("expect")).isFalse();
        }
    }

    @Test
    void anUnsupportedExpectationIsA417() throws Exception {
        route("expect2", blue.url());
        try (Socket s = connect()) {
            write(s, "GET / HTTP/1.1\r\nHost: expect2\r\nExpect: something-else\r\n\r\n");
            Reply r = read(s.getInputStream(), false);
            assertThat(r.status()).isEqualTo(417);
            assertThat(r.headers()).containsEntry("content-type", "application/problem+json");
        }
    }

    @Test
    void headResponsesKeepTheConnectionInStep() throws Exception {
        route("head", blue.url());
        try (Socket s = connect()) {
            InputStream in = s.getInputStream();
            write(s, "HEAD / HTTP/1.1\r\nHost: head\r\n\r\n");
            Reply head = read(in, true);
            assertThat(head.status()).isEqualTo(200);
            write(s, "GET /status/202 HTTP/1.1\r\nHost: head\r\n\r\n");
            assertThat(read(in, false).status()).isEqualTo(202);
        }
    }

    @Test
    void upstreamConnectionsAreKeptAliveAndReused() throws Exception {
        try (OneShotUpstream upstream = new OneShotUpstream(false)) {
            route("reuse", upstream.url());
            try (Socket s = connect()) {
                InputStream in = s.getInputStream();
                for (int i = 0; i < 20; i++) {
                    write(s, "GET / HTTP/1.1\r\nHost: reuse\r\n\r\n");
                    assertThat(read(in, false).status()).isEqualTo(200);
                }
            }
            assertThat(upstream.requests.get()).isEqualTo(20);
            assertThat(upstream.connections.get()).as("one keep-alive connection serves them all").isEqualTo(1);
        }
    }

    @Test
    void aPooledConnectionTheUpstreamClosedIsRetriedOnceOnANewOne() throws Exception {
        // the upstream answers the first request of each connection and closes it on the second, without answering: the
        // keep-alive race, made deterministic
        try (OneShotUpstream upstream = new OneShotUpstream(true)) {
            route("stale", upstream.url());
            try (Socket s = connect()) {
                InputStream in = s.getInputStream();
                for (int i = 0; i < 3; i++) {
                    write(s, "GET / HTTP/1.1\r\nHost: stale\r\n\r\n");
                    Reply r = read(in, false);
                    assertThat(r.status()).as("request %d", i).isEqualTo(200);
                }
            }
            assertThat(metrics.of("stale", "stale-v1", "stable").totalErrors()).isZero();
        }
    }

    @Test
    void aClientThatLeavesBeforeTheResponseIsCountedAs499() throws Exception {
        route("leaver", blue.url());
        try (Socket s = connect()) {
            write(s, "GET /slow HTTP/1.1\r\nHost: leaver\r\n\r\n");
            await().atMost(Duration.ofSeconds(5)).until(() -> metrics.of("leaver", "leaver-v1", "stable").inFlight() == 1);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> metrics.of("leaver", "leaver-v1", "stable").totalRequests() == 1);
        assertThat(metrics.of("leaver", "leaver-v1", "stable").statusCount("4xx")).isEqualTo(1);
        assertThat(metrics.of("leaver", "leaver-v1", "stable").inFlight()).isZero();
    }

    @Test
    void aBodyTheUpstreamEndsByClosingIsRechunkedAndTheClientConnectionStaysOpen() throws Exception {
        try (OneShotUpstream upstream = new OneShotUpstream(false, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil-close")) {
            route("eof", upstream.url());
            try (Socket s = connect()) {
                InputStream in = s.getInputStream();
                for (int i = 0; i < 2; i++) {
                    write(s, "GET / HTTP/1.1\r\nHost: eof\r\n\r\n");
                    Reply r = read(in, false);
                    assertThat(r.status()).isEqualTo(200);
                    assertThat(r.headers()).containsEntry("transfer-encoding", "chunked");
                    assertThat(r.body()).isEqualTo("until-close");
                }
            }
        }
    }

    @Test
    void aMalformedRequestIsA400AndTheConnectionCloses() throws Exception {
        try (Socket s = connect()) {
            write(s, "GET / HTTP/1.1\r\nHost: x\r\nBad Header Name: y\r\n\r\n");
            InputStream in = s.getInputStream();
            Reply r = read(in, false);
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.headers()).containsEntry("content-type", "application/problem+json");
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void theUpstreamGetsTheHeadAsHttp11WithForwardedHeadersAndNoHopByHopOnes() throws Exception {
        try (OneShotUpstream up = new OneShotUpstream(false)) {
            route("rawhead", up.url());
            try (Socket s = connect()) {
                write(s, "GET /p?q=1 HTTP/1.0\r\nHost: rawhead\r\nConnection: keep-alive, X-Hop\r\nX-Hop: h\r\n"
                        + "X-Forwarded-For: 203.0.113.7\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: spoofed\r\n"
                        + "Keep-Alive: timeout=5\r\nX-Kept:  spaced value \r\n\r\n");
                Reply r = read(s.getInputStream(), false);
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.headers()).containsEntry("connection", "keep-alive");
            }
            assertThat(up.heads).hasSize(1);
            assertThat(up.heads.get(0)).containsExactly("GET /p?q=1 HTTP/1.1", "Host: rawhead", "X-Kept:  spaced value ",
                    "X-Forwarded-For: 203.0.113.7, 127.0.0.1", "X-Forwarded-Proto: http", "X-Forwarded-Host: rawhead");
        }
    }

    @Test
    void aChunkedRequestBodyIsForwardedAndThePipelinedRequestBehindItServed() throws Exception {
        route("chunkedup", blue.url());
        try (Socket s = connect()) {
            write(s, "POST /upload HTTP/1.1\r\nHost: chunkedup\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5;ext=1\r\nhello\r\n3\r\nabc\r\n0\r\nX-Trailer: t\r\n\r\n"
                    + "GET /status/204 HTTP/1.1\r\nHost: chunkedup\r\n\r\n");
            InputStream in = s.getInputStream();
            Reply first = read(in, false);
            assertThat(first.status()).isEqualTo(200);
            JsonObject json = new JsonObject(first.body());
            assertThat(json.getLong("bodyBytes")).isEqualTo(8);
            assertThat(json.getJsonObject("headers").getString("transfer-encoding")).isEqualTo("chunked");
            Reply second = read(in, true);
            assertThat(second.status()).isEqualTo(204);
        }
    }

    @Test
    void ambiguousFramingAndMalformedHeadsAreA400AndTheConnectionCloses() throws Exception {
        route("smuggle", blue.url());
        for (String head : List.of(
                "POST / HTTP/1.1\r\nHost: smuggle\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                "POST / HTTP/1.1\r\nHost: smuggle\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde",
                "POST / HTTP/1.1\r\nHost: smuggle\r\nTransfer-Encoding: chunked, identity\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: smuggle\r\nX-A: a\r\n folded\r\n\r\n",
                "GET / HTTP/1.1\r\nHost : smuggle\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: smuggle\r\nX-A: a\rb\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: smuggle\r\nX-Big: " + "a".repeat(17 * 1024) + "\r\n\r\n")) {
            try (Socket s = connect()) {
                write(s, head);
                InputStream in = s.getInputStream();
                Reply r = read(in, false);
                assertThat(r.status()).as(head).isEqualTo(400);
                assertThat(r.headers()).containsEntry("content-type", "application/problem+json");
                assertThat(r.headers()).containsEntry("connection", "close");
                assertThat(in.read()).isEqualTo(-1);
            }
        }
    }

    @Test
    void aBadChunkIsA400AndTheConnectionCloses() throws Exception {
        route("badchunk", blue.url());
        try (Socket s = connect()) {
            write(s, "POST / HTTP/1.1\r\nHost: badchunk\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n");
            InputStream in = s.getInputStream();
            Reply r = read(in, false);
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.headers()).containsEntry("content-type", "application/problem+json");
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    /** A raw HTTP/1.1 upstream on a thread; with {@code closeOnSecond}, it closes each connection on its second request. */
    static final class OneShotUpstream implements AutoCloseable {
        final AtomicInteger connections = new AtomicInteger();
        final AtomicInteger requests = new AtomicInteger();
        /** The heads received, as lines (without the blank line). */
        final List<List<String>> heads = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final ServerSocket server;
        private final boolean closeOnSecond;
        private final String response;

        OneShotUpstream(boolean closeOnSecond) throws IOException {
            this(closeOnSecond, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        }

        /** With a fixed raw response; one that carries {@code Connection: close} ends its connection after it. */
        OneShotUpstream(boolean closeOnSecond, String response) throws IOException {
            this.closeOnSecond = closeOnSecond;
            this.response = response;
            this.server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
            Thread t = new Thread(this::acceptLoop, "one-shot-upstream");
            t.setDaemon(true);
            t.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getLocalPort();
        }

        private void acceptLoop() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    connections.incrementAndGet();
                    Thread t = new Thread(() -> serve(s));
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket s) {
            try (s) {
                InputStream in = s.getInputStream();
                int served = 0;
                while (true) {
                    String l = line(in);
                    if (l == null) {
                        return;
                    }
                    List<String> head = new java.util.ArrayList<>();
                    head.add(l);
                    while ((l = line(in)) != null && !l.isEmpty()) {
                        // headers, no body expected
                        head.add(l);
                    }
                    heads.add(head);
                    if (closeOnSecond && served == 1) {
                        return;
                    }
                    requests.incrementAndGet();
                    s.getOutputStream().write(response.getBytes(StandardCharsets.ISO_8859_1));
                    s.getOutputStream().flush();
                    served++;
                    if (response.contains("Connection: close")) {
                        return;
                    }
                }
            } catch (IOException e) {
                // the proxy closed it
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
