package dev.avalo.router.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import dev.avalo.contracts.route.DesiredRoute;
import dev.avalo.contracts.route.RouteTarget;
import dev.avalo.router.metrics.ProxyMetrics;
import dev.avalo.router.route.RouteCompiler;
import dev.avalo.router.route.RouteTable;
import dev.avalo.testing.MutableClock;

/**
 * {@code avalo.router.proxy.upstream-idle-timeout}: pooled upstream connections are reused until idle that long, then closed.
 */
class UpstreamIdleTimeoutTest {

    private static final Instant T0 = Instant.parse("2026-11-30T00:00:00Z");

    private Vertx vertx;
    private FakeUpstream upstream;
    private ReverseProxy proxy;
    private HttpClient client;

    @BeforeEach
    void upstream() throws Exception {
        vertx = Vertx.vertx();
        upstream = FakeUpstream.start(vertx, "blue");
    }

    @AfterEach
    void stop() throws Exception {
        if (proxy != null) {
            proxy.stop();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private void start(Duration idleTimeout) throws Exception {
        RouteTable table = new RouteTable(Map.of());
        table.apply(RouteCompiler.compile("pool.production", new DesiredRoute("pool", "production", 1,
                new RouteTarget("pool-v1", List.of(upstream.url())), null, 0, null, "test"), "production"));
        proxy = new ReverseProxy(ProxyTest.config(idleTimeout), table, new ProxyMetrics(1, null),
                MutableClock.of(T0), 1);
        proxy.start();
        client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(proxy.port()),
                new PoolOptions().setHttp1MaxSize(1));
    }

    private int get() throws Exception {
        return client.request(new RequestOptions().setMethod(HttpMethod.GET).setURI("/").putHeader("Host", "pool"))
                .compose(req -> req.send().compose(resp -> resp.body().map(b -> resp.statusCode())))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aPooledConnectionIsReusedWhileItHasBeenIdleLessThanTheTimeout() throws Exception {
        start(Duration.ofMinutes(1));
        for (int i = 0; i < 20; i++) {
            assertThat(get()).isEqualTo(200);
        }
        assertThat(upstream.hits.get()).isEqualTo(20);
        assertThat(upstream.connectionsAccepted.get()).as("one upstream connection for 20 sequential requests").isEqualTo(1);
        assertThat(upstream.connectionsOpen.get()).isEqualTo(1);
    }

    @Test
    void anIdleUpstreamConnectionIsClosedAfterTheTimeoutAndTheNextRequestOpensANewOne() throws Exception {
        start(Duration.ofMillis(200));
        assertThat(get()).isEqualTo(200);
        assertThat(upstream.connectionsOpen.get()).isEqualTo(1);
        // the loop looks for idle upstream connections once a second
        await().atMost(Duration.ofSeconds(3)).until(() -> upstream.connectionsOpen.get() == 0);
        assertThat(get()).isEqualTo(200);
        assertThat(upstream.connectionsAccepted.get()).isEqualTo(2);
    }

    @Test
    void aTimeoutThatIsNotPositiveIsRefusedAtStartup() {
        assertThatThrownBy(() -> new ReverseProxy(ProxyTest.config(Duration.ZERO), new RouteTable(Map.of()),
                new ProxyMetrics(1, null), MutableClock.of(T0), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("avalo.router.proxy.upstream-idle-timeout");
    }
}
