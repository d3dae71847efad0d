package dev.avalo.router.metrics;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import io.micrometer.core.instrument.MeterRegistry;

/** Produces the proxy's metrics registry, one recording slot per proxy event loop. */
@ApplicationScoped
public class MetricsProducer {

    /** How many proxy event loops (and metric slots) this process runs: one per core. */
    public static int proxyEventLoops() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    @Produces
    @ApplicationScoped
    ProxyMetrics proxyMetrics(MeterRegistry registry) {
        return new ProxyMetrics(proxyEventLoops(), registry);
    }
}
