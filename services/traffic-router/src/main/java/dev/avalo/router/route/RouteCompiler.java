package dev.avalo.router.route;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import dev.avalo.contracts.DnsLabel;
import dev.avalo.contracts.route.DesiredRoute;
import dev.avalo.contracts.route.RouteTarget;
import dev.avalo.contracts.route.Stickiness;

/** Validates a desired route and compiles it for the hot path. Never throws anything but {@link InvalidRouteException}. */
public final class RouteCompiler {

    private RouteCompiler() {
    }

    /**
     * @param key
     *            the KV key the route came from ({@code <service>.<env>}); it must match the route's names
     * @param environment
     *            the environment this router serves
     */
    public static CompiledRoute compile(String key, DesiredRoute r, String environment) {
        List<String> problems = new ArrayList<>();
        if (r == null) {
            throw new InvalidRouteException(key, List.of("empty route"));
        }
        if (!DnsLabel.isValid(r.service())) {
            problems.add("service must be a DNS label, got '" + r.service() + "'");
        }
        if (!DnsLabel.isValid(r.environment())) {
            problems.add("environment must be a DNS label, got '" + r.environment() + "'");
        } else if (!r.environment().equals(environment)) {
            problems.add("environment " + r.environment() + " is not this router's (" + environment + ")");
        }
        if (key != null && DnsLabel.isValid(r.service()) && DnsLabel.isValid(r.environment())
                && !key.equals(r.service() + "." + r.environment())) {
            problems.add("key " + key + " does not match the route's service and environment");
        }
        if (r.generation() < 1) {
            problems.add("generation must be ≥ 1, got " + r.generation());
        }
        int weight = r.canaryWeightBasisPoints();
        if (weight < 0 || weight > 10_000) {
            problems.add("canaryWeightBasisPoints must be 0–10000, got " + weight);
        }
        Side stable = side("stable", Side.STABLE, r.stable(), problems);
        Side canary = r.canary() == null ? null : side("canary", Side.CANARY, r.canary(), problems);
        if (canary == null && weight > 0) {
            problems.add("canaryWeightBasisPoints is " + weight + " but there is no canary");
        }
        String header = null;
        String cookie = null;
        Stickiness st = r.stickiness();
        if (st == null || st.mode() == null || "header".equals(st.mode())) {
            header = st == null || st.header() == null || st.header().isBlank() ? "X-User-Id" : st.header();
        } else if ("cookie".equals(st.mode())) {
            cookie = st.cookie() == null || st.cookie().isBlank() ? CompiledRoute.DEFAULT_COOKIE : st.cookie();
        } else if (!"none".equals(st.mode())) {
            problems.add("stickiness.mode must be header, cookie or none, got '" + st.mode() + "'");
        }
        if (header != null && !header.matches("[A-Za-z0-9-]{1,64}")) {
            problems.add("stickiness.header is not a header name: '" + header + "'");
        }
        if (cookie != null && !cookie.matches("[A-Za-z0-9_-]{1,64}")) {
            problems.add("stickiness.cookie is not a cookie name: '" + cookie + "'");
        }
        if (!problems.isEmpty()) {
            throw new InvalidRouteException(key, problems);
        }
        return new CompiledRoute(r, r.service(), r.environment(), r.generation(), stable, canary, weight, header,
                cookie);
    }

    private static Side side(String field, String role, RouteTarget t, List<String> problems) {
        if (t == null) {
            problems.add(field + " is required");
            return null;
        }
        if (!DnsLabel.isValid(t.revision())) {
            problems.add(field + ".revision must be a DNS label, got '" + t.revision() + "'");
        }
        List<URI> upstreams = new ArrayList<>();
        if (t.upstreams() == null || t.upstreams().isEmpty()) {
            problems.add(field + ".upstreams must not be empty");
        } else {
            for (String u : t.upstreams()) {
                try {
                    URI uri = URI.create(u);
                    if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
                        throw new IllegalArgumentException();
                    }
                    upstreams.add(uri);
                } catch (RuntimeException e) {
                    problems.add(field + ".upstreams: '" + u + "' is not an http URL with a host");
                }
            }
        }
        return new Side(t.revision(), role, upstreams);
    }
}
