package dev.avalo.router.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import jakarta.inject.Inject;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import dev.avalo.contracts.Json;
import dev.avalo.contracts.metrics.RouterMetricsSample;
import dev.avalo.contracts.route.DesiredRoute;
import dev.avalo.contracts.route.RouteTarget;
import dev.avalo.contracts.route.Stickiness;
import dev.avalo.router.nats.RouterNats;
import dev.avalo.router.proxy.ProxyServer;
import dev.avalo.router.route.RouteCompiler;
import dev.avalo.router.route.RouteTable;
import dev.avalo.testing.NatsProbe;
import dev.avalo.testing.NatsTestResource;

/**
 * Wiring: requests through the running proxy to two revisions show up in the per-second samples on
 * {@code <prefix>.metrics.<service>.<env>} on the real NATS server, and on {@code /q/metrics}.
 */
@QuarkusTest
@QuarkusTestResource(NatsTestResource.class)
class MetricsSamplerTest {

    @Inject
    ProxyServer proxy;
    @Inject
    RouteTable table;
    @Inject
    MetricsSampler sampler;
    @Inject
    RouterNats nats;
    @Inject
    ProxyMetrics metrics;
    @Inject
    Vertx vertx;

    NatsProbe probe;
    HttpClient client;
    List<io.vertx.core.http.HttpServer> upstreams = new ArrayList<>();

    @BeforeEach
    void setUp() {
        probe = NatsProbe.connect(NatsTestResource.url());
        client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(proxy.port()));
    }

    @AfterEach
    void tearDown() {
        probe.close();
        client.close();
        upstreams.forEach(io.vertx.core.http.HttpServer::close);
    }

    String upstream(String name) throws Exception {
        io.vertx.core.http.HttpServer s = vertx.createHttpServer().requestHandler(r -> {
            String path = r.path();
            int status = path.startsWith("/status/") ? Integer.parseInt(path.substring(8)) : 200;
            r.response().setStatusCode(status).end(name);
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        upstreams.add(s);
        return "http://127.0.0.1:" + s.actualPort();
    }

    @Test
    void samplesCountWhatWasSentPerRevision() throws Exception {
        assertThat(proxy.port()).isPositive();
        table.apply(RouteCompiler.compile("metered.production", new DesiredRoute("metered", "production", 1,
                new RouteTarget("metered-v1", List.of(upstream("blue"))),
                new RouteTarget("metered-v2", List.of(upstream("green"))), 5000, Stickiness.defaultHeader(), "test"),
                "production"));
        NatsProbe.Recorder samples = probe.record(NatsTestResource.prefix() + ".metrics.metered.production");
        await().atMost(Duration.ofSeconds(10)).until(nats::isConnected);

        int users = 300;
        int n = 1200;
        List<CompletableFuture<Integer>> sent = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            // every 10th request answers 500, every 10th+1 404
            String path = i % 10 == 0 ? "/status/500" : i % 10 == 1 ? "/status/404" : "/";
            RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET).setURI(path).putHeader("Host", "metered")
                    .putHeader("X-User-Id", "user-" + (i % users));
            sent.add(client.request(o).compose(r -> r.send()).compose(r -> r.body().map(b -> r.statusCode()))
                    .toCompletionStage().toCompletableFuture());
        }
        Map<String, int[]> expected = Map.of("2xx", new int[1], "4xx", new int[1], "5xx", new int[1]);
        for (CompletableFuture<Integer> f : sent) {
            int status = f.get(30, TimeUnit.SECONDS);
            expected.get(status / 100 + "xx")[0]++;
        }
        assertThat(expected.get("5xx")[0]).isEqualTo(n / 10);

        // the scheduler ticks every second too; tick here as well so the test needs no wait for it
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            sampler.tick();
            return total(samples, s -> true, RouterMetricsSample::requests) == n;
        });
        List<RouterMetricsSample> all = decode(samples);
        assertThat(all).allSatisfy(s -> {
            assertThat(s.service()).isEqualTo("metered");
            assertThat(s.environment()).isEqualTo("production");
            assertThat(s.routerId()).isNotBlank();
            assertThat(s.windowStart()).isNotNull();
            assertThat(s.windowMillis()).isNotNegative();
            assertThat(s.role()).isEqualTo(s.revision().equals("metered-v1") ? "stable" : "canary");
            // errors are exactly the 5xx responses here; the histogram holds every request of its window
            assertThat(s.errors()).isEqualTo(s.status().s5xx());
            assertThat(s.status().s2xx() + s.status().s3xx() + s.status().s4xx() + s.status().s5xx())
                    .isEqualTo(s.requests());
            assertThat(histogram(s.latency()).getTotalCount()).isEqualTo(s.requests());
        });
        long stable = total(samples, s -> s.revision().equals("metered-v1"), RouterMetricsSample::requests);
        long canary = total(samples, s -> s.revision().equals("metered-v2"), RouterMetricsSample::requests);
        assertThat(stable).isPositive();
        assertThat(canary).isPositive();
        assertThat(stable + canary).isEqualTo(n);
        assertThat(total(samples, s -> true, s -> s.status().s2xx())).isEqualTo(expected.get("2xx")[0]);
        assertThat(total(samples, s -> true, s -> s.status().s4xx())).isEqualTo(expected.get("4xx")[0]);
        assertThat(total(samples, s -> true, s -> s.status().s5xx())).isEqualTo(expected.get("5xx")[0]);
        assertThat(total(samples, s -> true, RouterMetricsSample::errors)).isEqualTo(n / 10);

        // distinct users: when one window holds a revision's traffic, its sketch estimate is close to the ids sent there
        RouterMetricsSample biggest = all.stream().filter(s -> s.revision().equals("metered-v1"))
                .max((a, b) -> Long.compare(a.requests(), b.requests())).orElseThrow();
        if (biggest.requests() == stable) {
            long distinct = java.util.stream.IntStream.range(0, users)
                    .filter(i -> dev.avalo.router.route.StickyHash.bucket("user-" + i) >= 5000).count();
            assertThat((double) biggest.users()).isBetween(distinct * 0.95, distinct * 1.05);
        }

        // the live route's revisions keep reporting, with zeros, while idle
        samples.clear();
        sampler.tick();
        await().atMost(Duration.ofSeconds(5)).until(() -> decode(samples).stream().map(RouterMetricsSample::revision)
                .distinct().count() == 2);

        String prometheus = RestAssured.get("/q/metrics").asString();
        assertThat(prometheus)
                .contains("avalo_router_requests_total{revision=\"metered-v1\",role=\"stable\",service=\"metered\"}")
                .contains("avalo_router_errors_total").contains("avalo_router_latency_seconds_count")
                .contains("avalo_router_in_flight");
    }

    /** Nothing here calls {@code tick()}: the data plane's event loop samples a live route every second on its own. */
    @Test
    void theDataPlaneSamplesEverySecondOnItsOwn() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(nats::isConnected);
        NatsProbe.Recorder samples = probe.record(NatsTestResource.prefix() + ".metrics.ticking.production");
        table.apply(RouteCompiler.compile("ticking.production", new DesiredRoute("ticking", "production", 1,
                new RouteTarget("ticking-v1", List.of(upstream("blue"))), null, 0, Stickiness.defaultHeader(), "test"),
                "production"));
        // idle, the live stable revision still reports (with zeros), once a second: two samples within a few seconds
        await().atMost(Duration.ofSeconds(6)).until(() -> decode(samples).stream()
                .filter(s -> s.revision().equals("ticking-v1")).count() >= 2);
        assertThat(decode(samples)).allSatisfy(s -> assertThat(s.requests()).isZero());
    }

    /**
     * The startup warm-up (run before this test, at the default 2,000 ticks) and any later one compute samples of made-up
     * traffic and publish none, and leave no revision in the registry, in a sample or on {@code /q/metrics}.
     */
    @Test
    void warmUpPublishesNothingAndLeavesNoRevisionBehind() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(nats::isConnected);
        NatsProbe.Recorder everything = probe.record(NatsTestResource.prefix() + ".>");
        sampler.warmUp(300);
        sampler.tick();
        // a marker after both: once it arrives, anything the warm-up or the tick published would have arrived before it
        nats.publish(NatsTestResource.prefix() + ".test.marker", new byte[]{1});
        await().atMost(Duration.ofSeconds(5)).until(() -> everything.messages().stream()
                .anyMatch(m -> m.getSubject().endsWith(".test.marker")));
        assertThat(everything.messages()).noneMatch(m -> new String(m.getData(), java.nio.charset.StandardCharsets.UTF_8)
                .contains("warm-up"));
        assertThat(metrics.all()).noneMatch(m -> m.service().equals("warm-up"));
        assertThat(RestAssured.get("/q/metrics").asString()).doesNotContain("warm-up");
    }

    static List<RouterMetricsSample> decode(NatsProbe.Recorder recorder) {
        return recorder.messages().stream().map(m -> Json.decode(m.getData(), RouterMetricsSample.class)).toList();
    }

    static long total(NatsProbe.Recorder recorder, Predicate<RouterMetricsSample> filter,
            java.util.function.ToLongFunction<RouterMetricsSample> field) {
        return decode(recorder).stream().filter(filter).mapToLong(field).sum();
    }

    static Histogram histogram(String base64) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
        } catch (java.util.zip.DataFormatException e) {
            throw new AssertionError(e);
        }
    }
}
