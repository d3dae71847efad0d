package dev.avalo.router.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import dev.avalo.contracts.route.DesiredRoute;
import dev.avalo.contracts.route.RouteTarget;
import dev.avalo.contracts.route.Stickiness;
import dev.avalo.router.config.RouterConfig;
import dev.avalo.router.metrics.ProxyMetrics;
import dev.avalo.router.route.RouteCompiler;
import dev.avalo.router.route.RouteTable;
import dev.avalo.testing.MutableClock;

/** The data plane end to end against fake upstreams, without Quarkus. */
class ProxyTest {

    static final String ENV = "production";
    static Vertx vertx;
    static FakeUpstream blue;
    static FakeUpstream green;
    static FakeUpstream blue2;
    static MutableClock clock = MutableClock.of(Instant.parse("2026-11-28T10:00:00Z"));
    static RouteTable table;
    static ProxyMetrics metrics;
    static ReverseProxy proxy;
    static HttpClient client;
    static final Map<String, Long> generations = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        blue = FakeUpstream.start(vertx, "blue");
        green = FakeUpstream.start(vertx, "green");
        blue2 = FakeUpstream.start(vertx, "blue2");
        table = new RouteTable(Map.of("shop.example.com", "shop"));
        metrics = new ProxyMetrics(2, null);
        proxy = new ReverseProxy(config(), table, metrics, clock, 2);
        proxy.start();
        client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(proxy.port()),
                new PoolOptions().setHttp1MaxSize(16));
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.stop();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static RouterConfig.Proxy config() {
        return config(Duration.ofSeconds(4));
    }

    static RouterConfig.Proxy config(Duration upstreamIdleTimeout) {
        return new RouterConfig.Proxy() {
            public int port() {
                return 0;
            }

            public String host() {
                return "127.0.0.1";
            }

            public int poolSize() {
                return 16;
            }

            public Duration connectTimeout() {
                return Duration.ofSeconds(2);
            }

            public Duration responseTimeout() {
                return Duration.ofMillis(500);
            }

            public Duration upstreamIdleTimeout() {
                return upstreamIdleTimeout;
            }

            public int ejectAfterFailures() {
                return 3;
            }

            public Duration ejectFor() {
                return Duration.ofSeconds(10);
            }
        };
    }

    static void route(String service, List<String> stable, List<String> canary, int weight, Stickiness stickiness) {
        long generation = generations.merge(service, 1L, Long::sum);
        DesiredRoute r = new DesiredRoute(service, ENV, generation, new RouteTarget(service + "-v1", stable),
                canary == null ? null : new RouteTarget(service + "-v2", canary), weight, stickiness, "test");
        table.apply(RouteCompiler.compile(service + "." + ENV, r, ENV));
    }

    record Response(int status, MultiMap headers, String body) {
        JsonObject json() {
            return new JsonObject(body);
        }

        String revision() {
            return headers.get("X-Avalo-Revision");
        }
    }

    static CompletableFuture<Response> send(String host, String path, Map<String, String> headers) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setURI(path);
        options.putHeader("Host", host);
        headers.forEach(options::putHeader);
        return client.request(options)
                .compose(req -> req.send().compose(resp -> resp.body()
                        .map(body -> new Response(resp.statusCode(), resp.headers(), body.toString()))))
                .toCompletionStage().toCompletableFuture();
    }

    static Response get(String host, String path, Map<String, String> headers) throws Exception {
        return send(host, path, headers).get(10, TimeUnit.SECONDS);
    }

    /** Sends one request per identity (null: none), all at once; returns the revisions answered, in order. */
    static List<String> revisions(String host, List<String> identities) throws Exception {
        List<CompletableFuture<Response>> futures = new ArrayList<>();
        for (String id : identities) {
            futures.add(send(host, "/", id == null ? Map.of() : Map.of("X-User-Id", id)));
        }
        List<String> out = new ArrayList<>();
        for (CompletableFuture<Response> f : futures) {
            Response r = f.get(30, TimeUnit.SECONDS);
            assertThat(r.status()).isEqualTo(200);
            out.add(r.revision());
        }
        return out;
    }

    static List<String> users(String prefix, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(prefix + i);
        }
        return ids;
    }

    static void assertWithinBinomial(long canary, int n, double p) {
        double sigma = Math.sqrt(n * p * (1 - p));
        assertThat((double) canary).as("canary requests out of %d at p=%s", n, p).isBetween(n * p - 4 * sigma,
                n * p + 4 * sigma);
    }

    @Test
    void splitsByWeightWithinBinomialToleranceWithPerRequestIdentities() throws Exception {
        int n = 4000;
        for (int weight : new int[]{100, 1000, 5000}) {
            String service = "split-" + weight;
            route(service, List.of(blue.url()), List.of(green.url()), weight, Stickiness.defaultHeader());
            List<String> revs = revisions(service, users("u" + weight + "-", n));
            long canary = revs.stream().filter((service + "-v2")::equals).count();
            assertThat(revs).allMatch(r -> r.equals(service + "-v1") || r.equals(service + "-v2"));
            assertWithinBinomial(canary, n, weight / 10_000.0);
        }
    }

    @Test
    void splitsAnonymousRequestsPerRequest() throws Exception {
        route("anon", List.of(blue.url()), List.of(green.url()), 1000, Stickiness.defaultHeader());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            ids.add(null);
        }
        long canary = revisions("anon", ids).stream().filter("anon-v2"::equals).count();
        assertWithinBinomial(canary, 4000, 0.10);
    }

    @Test
    void aUserStaysOnItsSideAndAssignmentIsMonotoneAndWeightZeroMovesEveryoneBack() throws Exception {
        route("sticky", List.of(blue.url()), List.of(green.url()), 1000, Stickiness.defaultHeader());
        List<String> ids = users("s-", 2000);
        List<String> first = revisions("sticky", ids);
        for (int round = 0; round < 3; round++) {
            assertThat(revisions("sticky", ids)).isEqualTo(first);
        }
        Set<String> canaryAt10 = new HashSet<>();
        for (int i = 0; i < ids.size(); i++) {
            if (first.get(i).equals("sticky-v2")) {
                canaryAt10.add(ids.get(i));
            }
        }
        assertThat(canaryAt10).isNotEmpty();

        route("sticky", List.of(blue.url()), List.of(green.url()), 2500, Stickiness.defaultHeader());
        List<String> at25 = revisions("sticky", ids);
        Set<String> canaryAt25 = new HashSet<>();
        for (int i = 0; i < ids.size(); i++) {
            if (at25.get(i).equals("sticky-v2")) {
                canaryAt25.add(ids.get(i));
            }
        }
        assertThat(canaryAt25).containsAll(canaryAt10).hasSizeGreaterThan(canaryAt10.size());

        route("sticky", List.of(blue.url()), List.of(green.url()), 0, Stickiness.defaultHeader());
        assertThat(revisions("sticky", ids)).containsOnly("sticky-v1");
    }

    @Test
    void cookieModeSetsACookieAndThenSticks() throws Exception {
        route("cookies", List.of(blue.url()), List.of(green.url()), 5000, new Stickiness("cookie", null, null));
        Set<String> sides = new HashSet<>();
        for (int user = 0; user < 40; user++) {
            Response first = get("cookies", "/", Map.of());
            String setCookie = first.headers().get("Set-Cookie");
            assertThat(setCookie).startsWith("avalo-uid=").contains("Path=/").contains("HttpOnly");
            String cookie = setCookie.substring(0, setCookie.indexOf(';'));
            for (int i = 0; i < 5; i++) {
                Response again = get("cookies", "/", Map.of("Cookie", cookie));
                assertThat(again.headers().get("Set-Cookie")).isNull();
                assertThat(again.revision()).isEqualTo(first.revision());
            }
            sides.add(first.revision());
        }
        assertThat(sides).containsExactlyInAnyOrder("cookies-v1", "cookies-v2");
    }

    @Test
    void unknownHostIsA404Problem() throws Exception {
        Response r = get("nobody.example.com", "/", Map.of());
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.headers().get("Content-Type")).isEqualTo("application/problem+json");
        JsonObject problem = r.json();
        assertThat(problem.getInteger("status")).isEqualTo(404);
        assertThat(problem.getString("type")).isNotBlank();
        assertThat(problem.getString("title")).isNotBlank();
        assertThat(problem.getString("detail")).contains("nobody.example.com");
    }

    @Test
    void hostAliasesAndPortsResolve() throws Exception {
        route("shop", List.of(blue.url()), null, 0, Stickiness.defaultHeader());
        Response r = get("Shop.Example.com:8000", "/", Map.of());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.revision()).isEqualTo("shop-v1");
    }

    @Test
    void deadUpstreamIsA502Problem() throws Exception {
        route("dead", List.of(FakeUpstream.deadUrl(vertx)), null, 0, Stickiness.defaultHeader());
        Response r = get("dead", "/", Map.of());
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.headers().get("Content-Type")).isEqualTo("application/problem+json");
        assertThat(r.revision()).isEqualTo("dead-v1");
        assertThat(r.json().getInteger("status")).isEqualTo(502);
        assertThat(r.json().getString("detail")).contains("dead-v1");
        var m = metrics.of("dead", "dead-v1", "stable");
        // recorded just after the response was written
        await().atMost(Duration.ofSeconds(5)).until(() -> m.totalErrors() == 1 && m.totalRequests() == 1);
    }

    @Test
    void aDeadUpstreamIsEjectedAndTheSideKeepsServingFromTheHealthyOne() throws Exception {
        String dead = FakeUpstream.deadUrl(vertx);
        int deadPort = Integer.parseInt(dead.substring(dead.lastIndexOf(':') + 1));
        route("eject", List.of(dead, blue2.url()), null, 0, Stickiness.defaultHeader());
        for (int i = 0; i < 12; i++) {
            Response r = get("eject", "/", Map.of());
            assertThat(r.status()).as("request %d (dead upstream: port %d): %s", i, deadPort, r.body()).isEqualTo(200);
            assertThat(r.json().getString("name")).isEqualTo("blue2");
        }
        assertThat(proxy.isEjected("127.0.0.1", deadPort)).isTrue();

        clock.advance(Duration.ofSeconds(11));
        assertThat(proxy.isEjected("127.0.0.1", deadPort)).isFalse();
        assertThat(get("eject", "/", Map.of()).status()).isEqualTo(200);
    }

    @Test
    void slowUpstreamIsA504Problem() throws Exception {
        route("slow", List.of(blue.url()), null, 0, Stickiness.defaultHeader());
        Response r = get("slow", "/slow", Map.of());
        assertThat(r.status()).isEqualTo(504);
        assertThat(r.headers().get("Content-Type")).isEqualTo("application/problem+json");
        assertThat(r.json().getString("detail")).contains("slow-v1");
        await().atMost(Duration.ofSeconds(5)).until(() -> metrics.of("slow", "slow-v1", "stable").totalErrors() == 1);
    }

    @Test
    void forwardsXForwardedAndTraceHeadersAndDropsHopByHopOnes() throws Exception {
        route("fwd", List.of(blue.url()), null, 0, Stickiness.defaultHeader());
        String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        Response r = get("fwd", "/", Map.of(
                "X-Forwarded-For", "203.0.113.7",
                "traceparent", traceparent,
                "tracestate", "congo=t61rcWkgMzE",
                "Proxy-Authorization", "Basic c2VjcmV0",
                "Connection", "keep-alive, X-Private",
                "X-Private", "hop",
                "X-Custom", "kept"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.revision()).isEqualTo("fwd-v1");
        JsonObject h = r.json().getJsonObject("headers");
        assertThat(h.getString("x-forwarded-for")).isEqualTo("203.0.113.7, 127.0.0.1");
        assertThat(h.getString("x-forwarded-proto")).isEqualTo("http");
        assertThat(h.getString("x-forwarded-host")).isEqualTo("fwd");
        assertThat(h.getString("traceparent")).isEqualTo(traceparent);
        assertThat(h.getString("tracestate")).isEqualTo("congo=t61rcWkgMzE");
        assertThat(h.getString("x-custom")).isEqualTo("kept");
        assertThat(h.getString("host")).isEqualTo("fwd");
        assertThat(h.containsKey("proxy-authorization")).isFalse();
        assertThat(h.containsKey("x-private")).isFalse();
        // the upstream's own response headers come back
        assertThat(r.headers().get("X-Upstream")).isEqualTo("blue");
    }

    @Test
    void streamsA20MegabyteRequestBodyWithoutBufferingIt() throws Exception {
        route("upload", List.of(blue.url()), null, 0, Stickiness.defaultHeader());
        long total = 20L * FakeUpstream.MIB;
        long before = blue.bytesReceived.get();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI("/").putHeader("Host", "upload");
        HttpClientRequest request = client.request(options).toCompletionStage().toCompletableFuture().get(10,
                TimeUnit.SECONDS);
        request.setChunked(true);
        CompletableFuture<Response> response = request.response()
                .compose(resp -> resp.body().map(b -> new Response(resp.statusCode(), resp.headers(), b.toString())))
                .toCompletionStage().toCompletableFuture();
        Buffer chunk = Buffer.buffer(new byte[64 * 1024]);
        long sent = 0;
        while (sent < FakeUpstream.MIB) {
            request.write(chunk);
            sent += chunk.length();
        }
        // the first MiB reaches the upstream while the client has not sent the rest: streamed, not buffered
        await().atMost(Duration.ofSeconds(10)).until(() -> blue.bytesReceived.get() - before >= FakeUpstream.MIB);
        while (sent < total) {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1)).until(() -> !request.writeQueueFull());
            request.write(chunk);
            sent += chunk.length();
        }
        request.end();
        Response r = response.get(30, TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().getLong("bodyBytes")).isEqualTo(total);
    }

    @Test
    void streamsA20MegabyteResponseBodyChunked() throws Exception {
        route("download", List.of(green.url()), null, 0, Stickiness.defaultHeader());
        long total = 20L * FakeUpstream.MIB;
        AtomicLong received = new AtomicLong();
        AtomicReference<HttpClientResponse> head = new AtomicReference<>();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setURI("/big?bytes=" + total)
                .putHeader("Host", "download");
        CompletableFuture<Void> ended = client.request(options).compose(HttpClientRequest::send).compose(resp -> {
            head.set(resp);
            resp.handler(b -> received.addAndGet(b.length()));
            return resp.end();
        }).toCompletionStage().toCompletableFuture();
        // the upstream holds back everything after the first MiB until the client has it: streamed, not buffered
        await().atMost(Duration.ofSeconds(10)).until(() -> received.get() >= FakeUpstream.MIB);
        assertThat(ended).isNotDone();
        green.openGate();
        ended.get(30, TimeUnit.SECONDS);
        assertThat(received.get()).isEqualTo(total);
        assertThat(head.get().statusCode()).isEqualTo(200);
        assertThat(head.get().getHeader("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(head.get().getHeader("X-Avalo-Revision")).isEqualTo("download-v1");
    }

    @Test
    void countsRequestsStatusClassesAndUsersPerRevision() throws Exception {
        route("counted", List.of(blue.url()), null, 0, Stickiness.defaultHeader());
        for (int i = 0; i < 30; i++) {
            assertThat(get("counted", "/status/" + (i < 20 ? 200 : i < 25 ? 404 : 503), Map.of("X-User-Id", "c" + (i % 7)))
                    .status()).isIn(200, 404, 503);
        }
        var m = metrics.of("counted", "counted-v1", "stable");
        await().atMost(Duration.ofSeconds(5)).until(() -> m.totalRequests() == 30);
        assertThat(m.totalErrors()).isEqualTo(5);
        assertThat(m.statusCount("2xx")).isEqualTo(20);
        assertThat(m.statusCount("4xx")).isEqualTo(5);
        assertThat(m.statusCount("5xx")).isEqualTo(5);
        assertThat(m.inFlight()).isZero();
    }
}
