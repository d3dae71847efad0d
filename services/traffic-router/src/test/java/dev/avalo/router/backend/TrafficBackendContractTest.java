package dev.avalo.router.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.avalo.contracts.route.DesiredRoute;
import dev.avalo.contracts.route.RouteTarget;
import dev.avalo.contracts.route.Stickiness;
import dev.avalo.router.route.CompiledRoute;
import dev.avalo.router.route.RouteCompiler;
import dev.avalo.router.route.RouteTable;

/**
 * What every {@link TrafficBackend} does, whatever it programs: a route is put in force, a newer generation replaces it, an
 * equal or older one is ignored, and {@link TrafficBackend#applied()} lists one route per service. Each implementation extends
 * this and says how to see what is in force in its own world.
 */
public abstract class TrafficBackendContractTest {

    protected static final String ENV = "production";

    protected TrafficBackend backend;

    /** A fresh backend with nothing applied. */
    protected abstract TrafficBackend newBackend();

    /** Asserts that {@code route} (its generation and weights) is what the backend's target now serves. */
    protected abstract void assertInForce(CompiledRoute route);

    @BeforeEach
    void createBackend() {
        backend = newBackend();
    }

    @Test
    void typeIsAKnownBackendName() {
        assertThat(BackendProducer.KNOWN).contains(backend.type());
    }

    @Test
    void appliesARoute() {
        CompiledRoute r = route("chat-api", 1, 100);

        assertThat(backend.apply(r)).isEqualTo(RouteTable.Outcome.APPLIED);

        assertInForce(r);
        assertThat(backend.applied()).containsExactly(r);
    }

    @Test
    void newerGenerationWins() {
        backend.apply(route("chat-api", 1, 100));
        CompiledRoute newer = route("chat-api", 2, 5_000);

        assertThat(backend.apply(newer)).isEqualTo(RouteTable.Outcome.APPLIED);

        assertInForce(newer);
        assertThat(backend.applied()).containsExactly(newer);
    }

    @Test
    void olderOrEqualGenerationIsIgnored() {
        CompiledRoute current = route("chat-api", 5, 2_500);
        backend.apply(current);

        assertThat(backend.apply(route("chat-api", 4, 10_000))).isEqualTo(RouteTable.Outcome.STALE);
        assertThat(backend.apply(route("chat-api", 5, 0))).isEqualTo(RouteTable.Outcome.STALE);

        assertInForce(current);
        assertThat(backend.applied()).containsExactly(current);
    }

    @Test
    void rollbackToWeightZeroIsApplied() {
        backend.apply(route("chat-api", 1, 2_500));
        CompiledRoute rollback = route("chat-api", 2, 0);

        assertThat(backend.apply(rollback)).isEqualTo(RouteTable.Outcome.APPLIED);

        assertInForce(rollback);
    }

    @Test
    void stableOnlyRouteIsApplied() {
        CompiledRoute stableOnly = stableOnly("chat-api", 3);

        assertThat(backend.apply(stableOnly)).isEqualTo(RouteTable.Outcome.APPLIED);

        assertInForce(stableOnly);
    }

    @Test
    void appliedListsOneRoutePerService() {
        CompiledRoute chat = route("chat-api", 1, 100);
        CompiledRoute search = route("search", 7, 1_000);
        CompiledRoute chat2 = route("chat-api", 2, 200);

        backend.apply(chat);
        backend.apply(search);
        backend.apply(chat2);

        assertThat(backend.applied()).containsExactlyInAnyOrder(chat2, search);
        assertInForce(search);
        assertInForce(chat2);
    }

    @Test
    void servicesDoNotShareGenerations() {
        backend.apply(route("chat-api", 9, 100));
        CompiledRoute search = route("search", 1, 100);

        assertThat(backend.apply(search)).isEqualTo(RouteTable.Outcome.APPLIED);
    }

    /** A compiled route of {@code service} from revision {@code <service>-v1} to {@code <service>-v2}. */
    protected static CompiledRoute route(String service, long generation, int canaryBasisPoints) {
        DesiredRoute r = new DesiredRoute(service, ENV, generation,
                new RouteTarget(service + "-v1", List.of("http://10.0.0.5:8080")),
                new RouteTarget(service + "-v2", List.of("http://10.0.0.9:8080")),
                canaryBasisPoints, Stickiness.defaultHeader(), "test generation " + generation);
        return RouteCompiler.compile(service + "." + ENV, r, ENV);
    }

    /** A compiled stable-only route of {@code service} on revision {@code <service>-v1}. */
    protected static CompiledRoute stableOnly(String service, long generation) {
        DesiredRoute r = new DesiredRoute(service, ENV, generation,
                new RouteTarget(service + "-v1", List.of("http://10.0.0.5:8080")), null, 0,
                Stickiness.defaultHeader(), null);
        return RouteCompiler.compile(service + "." + ENV, r, ENV);
    }
}
