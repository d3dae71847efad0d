package dev.avalo.router.backend.embedded;

import java.util.Collection;

import dev.avalo.router.backend.TrafficBackend;
import dev.avalo.router.route.CompiledRoute;
import dev.avalo.router.route.RouteTable;

/** The default backend: routes go into the {@link RouteTable} the embedded proxy reads on every request. */
public class EmbeddedBackend implements TrafficBackend {

    public static final String TYPE = "embedded";

    private final RouteTable table;

    public EmbeddedBackend(RouteTable table) {
        this.table = table;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public RouteTable.Outcome apply(CompiledRoute route) {
        return table.apply(route);
    }

    @Override
    public Collection<CompiledRoute> applied() {
        return table.all();
    }
}
