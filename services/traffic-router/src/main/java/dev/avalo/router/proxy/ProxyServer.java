package dev.avalo.router.proxy;

import java.time.Clock;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.arc.ClientProxy;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;

import dev.avalo.router.backend.embedded.EmbeddedBackend;
import dev.avalo.router.config.RouterConfig;
import dev.avalo.router.metrics.MetricsProducer;
import dev.avalo.router.metrics.MetricsSampler;
import dev.avalo.router.metrics.ProxyMetrics;
import dev.avalo.router.route.RouteTable;

/**
 * Starts the embedded data plane at startup on {@code avalo.router.proxy.host:port}, one event loop per core, when the embedded
 * backend is configured (an external backend such as the Gateway API carries the traffic itself).
 */
@ApplicationScoped
public class ProxyServer {

    private final RouterConfig config;
    private final ReverseProxy proxy;
    private final MetricsSampler sampler;

    /**
     * The data plane runs on Netty event loops of its own, one per core, apart from the admin HTTP server's Vert.x event loops
     * (and without the per-request HTTP metrics Quarkus attaches to those: the proxy records its own, per revision).
     */
    public ProxyServer(RouterConfig config, RouteTable table, ProxyMetrics metrics, MetricsSampler sampler, Clock clock) {
        this.config = config;
        this.sampler = ClientProxy.unwrap(sampler);
        int loops = Math.min(metrics.slots(), MetricsProducer.proxyEventLoops());
        // the beans themselves, not their client proxies: the route table is read on every request, and a client proxy adds
        // a context lookup to each call
        this.proxy = new ReverseProxy(config.proxy(), ClientProxy.unwrap(table), ClientProxy.unwrap(metrics),
                ClientProxy.unwrap(clock), loops);
    }

    void onStart(@Observes StartupEvent event) throws Exception {
        if (!EmbeddedBackend.TYPE.equals(config.backend())) {
            Log.infof("traffic backend is %s: the embedded proxy does not listen", config.backend());
            return;
        }
        int port = proxy.start();
        // the per-second metrics sample runs on the data plane's first event loop, between its I/O batches: see
        // ReverseProxy.every for why not on a thread of its own
        proxy.every("metrics sample", MetricsSampler.PERIOD, sampler::tick);
        Log.infof("traffic-router proxy listening on %s:%d", config.proxy().host(), port);
    }

    /** The bound data-plane port (useful with port 0 in tests), or -1 when the proxy does not listen. */
    public int port() {
        return proxy.port();
    }

    /** Whether the upstream at {@code host:port} is ejected by passive health checking now. */
    public boolean isEjected(String host, int port) {
        return proxy.isEjected(host, port);
    }

    @PreDestroy
    void stop() {
        proxy.stop();
    }
}
