package dev.avalo.router.route;

import dev.avalo.contracts.route.DesiredRoute;

/**
 * A validated desired route, ready for the hot path: parsed upstream URIs, the canary weight and the sticky identity source.
 * {@code canary} is null when the route is stable-only; {@code stickyHeader} / {@code stickyCookie} are null when that source
 * is not used.
 */
public record CompiledRoute(
        DesiredRoute source,
        String service,
        String environment,
        long generation,
        Side stable,
        Side canary,
        int canaryWeightBasisPoints,
        String stickyHeader,
        String stickyCookie) {

    /** Default cookie name when stickiness is by cookie (set by the router when absent). */
    public static final String DEFAULT_COOKIE = "avalo-uid";

    /** The side a request with sticky bucket {@code bucket} (0–9999) goes to. */
    public Side sideFor(int bucket) {
        return canary != null && bucket < canaryWeightBasisPoints ? canary : stable;
    }
}
