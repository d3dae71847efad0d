package dev.avalo.router.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Traffic-router settings ({@code avalo.router.*}). */
@ConfigMapping(prefix = "avalo.router")
public interface RouterConfig {

    /** This router's id in acks and metric samples; the host name when unset. */
    Optional<String> id();

    /** The environment this instance serves. */
    @WithDefault("production")
    String environment();

    /** Which traffic backend applies routes: {@code embedded} (this proxy) or {@code gateway-api}. */
    @WithDefault("embedded")
    String backend();

    /** Host name (lower case) → service, besides the service name itself. */
    Map<String, String> hostAliases();

    /** Where the last applied routes are kept for a restart during a NATS outage. */
    @WithDefault(".avalo/router/routes.json")
    String stateFile();

    /** The data plane. */
    Proxy proxy();

    /** The Kubernetes Gateway API backend ({@code avalo.router.gateway-api.*}). */
    GatewayApiConfig gatewayApi();

    /** The per-second samples ({@code avalo.router.metrics.*}). */
    Metrics metrics();

    interface Metrics {
        /**
         * Samples of made-up traffic computed (and not published) at startup, before the data plane listens, so that the JIT
         * compiles the sample's code then: run once a second, it would otherwise stay interpreted for minutes, costing 1–5 ms a
         * tick on the data plane's core, and be compiled there under load. 0 turns it off.
         */
        @WithDefault("2000")
        int warmUpTicks();
    }

    interface Proxy {
        /** Data-plane port. */
        @WithDefault("8000")
        int port();

        @WithDefault("0.0.0.0")
        String host();

        /** Keep-alive connections per upstream. */
        @WithDefault("64")
        int poolSize();

        @WithDefault("2s")
        Duration connectTimeout();

        /** No response from an upstream within this → 504. */
        @WithDefault("30s")
        Duration responseTimeout();

        /**
         * Idle keep-alive connections to upstreams are closed after this long. Keep it below the upstreams' own keep-alive
         * timeout (Node.js 5 s, nginx 75 s), so that a pooled connection is not reused just as the upstream closes it: a
         * body-less request that meets that race is retried once on a new connection, one with a body gets a 502.
         */
        @WithDefault("4s")
        Duration upstreamIdleTimeout();

        /** Consecutive connect failures that eject an upstream. */
        @WithDefault("3")
        int ejectAfterFailures();

        /** How long an ejected upstream stays out. */
        @WithDefault("10s")
        Duration ejectFor();
    }
}
