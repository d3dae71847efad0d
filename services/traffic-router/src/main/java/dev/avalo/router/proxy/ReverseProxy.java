package dev.avalo.router.proxy;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;

import dev.avalo.router.config.RouterConfig;
import dev.avalo.router.metrics.ProxyMetrics;
import dev.avalo.router.route.RouteTable;

/**
 * The embedded data plane: {@code instances} {@link ProxyVerticle}s, one per event loop, sharing one port (Vert.x distributes
 * accepted connections among them), each with its own keep-alive client pools. Plain Vert.x, no CDI: {@link ProxyServer} runs
 * it in the application, tests run it directly.
 */
public final class ReverseProxy {

    final RouterConfig.Proxy config;
    final RouteTable table;
    final Upstreams upstreams;
    private final Vertx vertx;
    private final int instances;
    private final List<String> deployments = new CopyOnWriteArrayList<>();
    private volatile int port = -1;
    private static final AtomicInteger SHARED_RANDOM_PORT = new AtomicInteger(-17_000);

    /**
     * @param instances
     *            event loops to serve on; each records into metric slot 0…instances-1, so at most {@code metrics.slots()}
     */
    public ReverseProxy(Vertx vertx, RouterConfig.Proxy config, RouteTable table, ProxyMetrics metrics, Clock clock,
            int instances) {
        if (instances < 1 || instances > metrics.slots()) {
            throw new IllegalArgumentException("instances must be 1.." + metrics.slots() + ", got " + instances);
        }
        this.vertx = vertx;
        this.config = config;
        this.table = table;
        this.instances = instances;
        this.upstreams = new Upstreams(config, metrics, clock);
        table.addListener(upstreams::state);
    }

    /**
     * Binds the configured host and port (0: a free port, shared by every instance) and completes with the bound port.
     */
    public Future<Integer> start() {
        // Vert.x shares a listening socket among servers with the same host and port; a negative port means "a random port
        // shared by every server listening with this same negative number", unique per proxy so no other server joins it
        int listenPort = config.port() == 0 ? SHARED_RANDOM_PORT.getAndDecrement() : config.port();
        AtomicInteger slot = new AtomicInteger();
        List<ProxyVerticle> verticles = new CopyOnWriteArrayList<>();
        return vertx.deployVerticle(() -> {
            ProxyVerticle v = new ProxyVerticle(this, slot.getAndIncrement(), listenPort);
            verticles.add(v);
            return v;
        }, new DeploymentOptions().setInstances(instances)).map(id -> {
            deployments.add(id);
            return verticles.get(0).actualPort();
        }).onSuccess(p -> port = p);
    }

    /** The bound port, or -1 before {@link #start()} completed. */
    public int port() {
        return port;
    }

    /** Closes the servers and the upstream pools. */
    public Future<Void> stop() {
        List<Future<Void>> undeployed = deployments.stream().map(vertx::undeploy).toList();
        deployments.clear();
        port = -1;
        return Future.join(undeployed).mapEmpty();
    }

    /** Whether the upstream at {@code host:port} is ejected now (false when no route uses it). */
    public boolean isEjected(String host, int port) {
        Upstream u = upstreams.upstream(host, port);
        return u != null && u.isEjected();
    }

    HttpServerOptions serverOptions() {
        return new HttpServerOptions()
                .setTcpNoDelay(true)
                .setReuseAddress(true)
                .setCompressionSupported(false)
                // the proxy serves no WebSocket itself (Upgrade is hop-by-hop): without these, every connection's pipeline
                // carries a WebSocket extension handler that inspects each request and response
                .setPerMessageWebSocketCompressionSupported(false)
                .setPerFrameWebSocketCompressionSupported(false)
                .setHandle100ContinueAutomatically(true);
    }

    HttpClientOptions clientOptions() {
        return new HttpClientOptions()
                .setKeepAlive(true)
                // shorter than common upstream idle timeouts (Node.js: 5 s), so a pooled connection is not reused just
                // as the upstream closes it
                .setKeepAliveTimeout(4)
                .setPipelining(false)
                .setTcpNoDelay(true)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
                .setDecompressionSupported(false)
                .setTryUseCompression(false);
    }

    PoolOptions poolOptions() {
        // the configured pool size is per upstream for the whole process, shared out among the event loops
        int perLoop = Math.max(1, (config.poolSize() + instances - 1) / instances);
        return new PoolOptions().setHttp1MaxSize(perLoop);
    }
}
