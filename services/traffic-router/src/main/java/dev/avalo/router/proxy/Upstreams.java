package dev.avalo.router.proxy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.util.AsciiString;

import dev.avalo.router.config.RouterConfig;
import dev.avalo.router.metrics.ProxyMetrics;
import dev.avalo.router.metrics.RevisionMetrics;
import dev.avalo.router.route.CompiledRoute;
import dev.avalo.router.route.Side;

/**
 * The proxy's view of the applied routes: per route, its two sides with their {@link Upstream}s (shared by address, so health
 * survives route changes), a round-robin cursor and their metrics. Built once per applied route, read lock-free per request.
 */
final class Upstreams {

    private final ConcurrentHashMap<String, Upstream> byAddress = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, RouteState> byService = new ConcurrentHashMap<>();
    private final RouterConfig.Proxy config;
    private final ProxyMetrics metrics;
    private final Clock clock;

    Upstreams(RouterConfig.Proxy config, ProxyMetrics metrics, Clock clock) {
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** The state of {@code route}, built on its first request (or when the route table announces it). */
    RouteState state(CompiledRoute route) {
        RouteState s = byService.get(route.service());
        if (s != null && s.route == route) {
            return s;
        }
        return byService.compute(route.service(), (k, old) -> old != null && old.route == route ? old : build(route));
    }

    /** Every upstream any route has used. */
    Collection<Upstream> all() {
        return byAddress.values();
    }

    /** The upstream at {@code host:port}, if any route has used it. */
    Upstream upstream(String host, int port) {
        return byAddress.get(host + ":" + port);
    }

    private RouteState build(CompiledRoute route) {
        SideState stable = side(route, route.stable());
        SideState canary = route.canary() == null ? null : side(route, route.canary());
        return new RouteState(route, stable, canary);
    }

    private SideState side(CompiledRoute route, Side side) {
        List<URI> uris = side.upstreams();
        Upstream[] ups = new Upstream[uris.size()];
        for (int i = 0; i < ups.length; i++) {
            URI u = uris.get(i);
            int port = u.getPort() > 0 ? u.getPort() : 80;
            ups[i] = byAddress.computeIfAbsent(u.getHost() + ":" + port,
                    k -> new Upstream(u.getHost(), port, config.ejectAfterFailures(), config.ejectFor(), clock,
                            metrics.slots()));
        }
        return new SideState(side.revision(), ups, metrics.of(route.service(), side.revision(), side.role()));
    }

    /** A compiled route with its sides' state. */
    static final class RouteState {
        final CompiledRoute route;
        final SideState stable;
        final SideState canary;

        RouteState(CompiledRoute route, SideState stable, SideState canary) {
            this.route = route;
            this.stable = stable;
            this.canary = canary;
        }

        SideState sideFor(int bucket) {
            return canary != null && bucket < route.canaryWeightBasisPoints() ? canary : stable;
        }
    }

    /** One side: its revision, upstreams, round-robin cursor and metrics. */
    static final class SideState {
        final String revision;
        final CharSequence revisionHeader;
        /** {@code X-Avalo-Revision: <revision>} CRLF, as written into proxied response heads. */
        final byte[] revisionLine;
        final Upstream[] upstreams;
        final RevisionMetrics metrics;
        private final AtomicInteger next = new AtomicInteger();

        SideState(String revision, Upstream[] upstreams, RevisionMetrics metrics) {
            this.revision = revision;
            this.revisionHeader = AsciiString.cached(revision);
            this.revisionLine = ("X-Avalo-Revision: " + revision + "\r\n").getBytes(StandardCharsets.US_ASCII);
            this.upstreams = upstreams;
            this.metrics = metrics;
        }

        /**
         * The next upstream in round-robin order that is not ejected and is not {@code avoid}. When every upstream is ejected,
         * the next one anyway ("panic mode", as Envoy does): passive health must not turn a blip into a full outage, and a
         * request is the only way to see an upstream recover.
         */
        Upstream pick(Upstream avoid) {
            Upstream[] ups = upstreams;
            int n = ups.length;
            if (n == 1) {
                return ups[0];
            }
            int start = next.getAndIncrement() & Integer.MAX_VALUE;
            for (int i = 0; i < n; i++) {
                Upstream u = ups[(start + i) % n];
                if (u != avoid && !u.isEjected()) {
                    return u;
                }
            }
            Upstream u = ups[start % n];
            return u == avoid ? ups[(start + 1) % n] : u;
        }
    }
}
