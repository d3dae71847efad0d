package dev.avalo.router.control;

import java.util.List;

import dev.avalo.contracts.route.DesiredRoute;
import dev.avalo.contracts.route.RouteTarget;
import dev.avalo.contracts.route.Stickiness;

/** Desired routes for control-plane tests. */
final class Routes {

    private Routes() {
    }

    /** A stable + canary route of {@code service} at {@code weight} basis points. */
    static DesiredRoute route(String service, String environment, long generation, int weight) {
        return new DesiredRoute(service, environment, generation,
                new RouteTarget(service + "-v1", List.of("http://127.0.0.1:9001")),
                new RouteTarget(service + "-v2", List.of("http://127.0.0.1:9002")),
                weight, Stickiness.defaultHeader(), "test generation " + generation);
    }

    /** A production route of {@code service}. */
    static DesiredRoute route(String service, long generation, int weight) {
        return route(service, "production", generation, weight);
    }

    /** A unique service name per test, so tests sharing one app and bucket do not see each other's routes. */
    static String service(String name) {
        return name + "-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    }
}
