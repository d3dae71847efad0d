package dev.avalo.router.backend;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import dev.avalo.router.backend.embedded.EmbeddedBackend;
import dev.avalo.router.config.RouterConfig;
import dev.avalo.router.route.RouteTable;

/** Produces the route table and the configured backend; an unknown backend name fails startup. */
@ApplicationScoped
public class BackendProducer {

    @Produces
    @ApplicationScoped
    RouteTable routeTable(RouterConfig config) {
        return new RouteTable(config.hostAliases());
    }

    @Produces
    @ApplicationScoped
    TrafficBackend backend(RouterConfig config, RouteTable table) {
        switch (config.backend()) {
            case EmbeddedBackend.TYPE :
                return new EmbeddedBackend(table);
            default :
                throw new IllegalStateException("unknown traffic backend '" + config.backend()
                        + "' (avalo.router.backend); known: embedded");
        }
    }
}
