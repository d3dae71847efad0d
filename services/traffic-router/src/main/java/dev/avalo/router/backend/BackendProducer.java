package dev.avalo.router.backend;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.quarkus.logging.Log;

import dev.avalo.router.backend.embedded.EmbeddedBackend;
import dev.avalo.router.backend.gatewayapi.GatewayApiBackend;
import dev.avalo.router.config.GatewayApiConfig;
import dev.avalo.router.config.RouterConfig;
import dev.avalo.router.route.RouteTable;

/** Produces the route table and the configured backend; an unknown backend name fails startup. */
@ApplicationScoped
public class BackendProducer {

    /** The backend names {@code avalo.router.backend} accepts. */
    public static final List<String> KNOWN = List.of(EmbeddedBackend.TYPE, GatewayApiBackend.TYPE);

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
            case GatewayApiBackend.TYPE :
                GatewayApiConfig gw = config.gatewayApi();
                GatewayApiBackend.Settings settings = new GatewayApiBackend.Settings(
                        gw.namespace().orElse(null),
                        gw.gateway().name().orElse(null),
                        gw.gateway().namespace().orElse(null),
                        gw.backendPort(),
                        gw.domainSuffix().orElse(null),
                        config.hostAliases());
                Log.infof("traffic backend %s: HTTPRoutes attached to Gateway %s%s", GatewayApiBackend.TYPE,
                        settings.gatewayNamespace() == null ? "" : settings.gatewayNamespace() + "/",
                        settings.gatewayName());
                return new GatewayApiBackend(new KubernetesClientBuilder().build(), settings);
            default :
                throw new IllegalStateException("unknown traffic backend '" + config.backend()
                        + "' (avalo.router.backend); known: " + String.join(", ", KNOWN));
        }
    }

    void close(@Disposes TrafficBackend backend) throws Exception {
        if (backend instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }
}
