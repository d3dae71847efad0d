package dev.avalo.router.backend.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import dev.avalo.router.backend.TrafficBackend;
import dev.avalo.router.backend.TrafficBackendContractTest;
import dev.avalo.router.route.CompiledRoute;
import dev.avalo.router.route.RouteTable;

/** The embedded backend: what is in force is what the proxy's route table hands out for the service's host. */
class EmbeddedBackendTest extends TrafficBackendContractTest {

    private RouteTable table;

    @Override
    protected TrafficBackend newBackend() {
        table = new RouteTable(Map.of());
        return new EmbeddedBackend(table);
    }

    @Override
    protected void assertInForce(CompiledRoute route) {
        assertThat(table.forHost(route.service() + ":8000")).isSameAs(route);
    }
}
