package dev.avalo.router.backend;

import java.util.Collection;

import dev.avalo.router.route.CompiledRoute;
import dev.avalo.router.route.RouteTable;

/**
 * Where applied routes take effect: the embedded proxy, or an external router programmed through its API (Kubernetes Gateway
 * API, …). One implementation is active, chosen by {@code avalo.router.backend}; an unknown name fails startup.
 */
public interface TrafficBackend {

    /** The configuration name of this backend. */
    String type();

    /**
     * Puts {@code route} in force if its generation is newer than the one in force; returns once it is (the control plane acks
     * after this returns APPLIED).
     */
    RouteTable.Outcome apply(CompiledRoute route);

    /** The routes in force. */
    Collection<CompiledRoute> applied();
}
