package dev.avalo.router.route;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The routes this router applies, by service. Reads (the hot path) are lock-free: they see an immutable map published through a
 * volatile field; writes (route changes, rare) copy it under a lock. A route replaces another only with a newer generation.
 */
public final class RouteTable {

    /** What {@link #apply} did. */
    public enum Outcome {
        APPLIED,
        /** An equal or newer generation is already applied. */
        STALE
    }

    private volatile Map<String, CompiledRoute> routes = Map.of();
    private final Map<String, String> hostAliases;
    private final List<Consumer<CompiledRoute>> listeners = new CopyOnWriteArrayList<>();

    /**
     * @param hostAliases
     *            host name (lower case) → service name
     */
    public RouteTable(Map<String, String> hostAliases) {
        Map<String, String> aliases = new HashMap<>();
        hostAliases.forEach((k, v) -> aliases.put(k.toLowerCase(Locale.ROOT), v));
        this.hostAliases = Map.copyOf(aliases);
    }

    /** The route of {@code service}, or null. */
    public CompiledRoute get(String service) {
        return routes.get(service);
    }

    /**
     * The route for a request's {@code Host} header (port stripped, case-insensitive; an alias or the service name itself), or
     * null.
     */
    public CompiledRoute forHost(String host) {
        if (host == null) {
            return null;
        }
        String name = host;
        int colon = name.lastIndexOf(':');
        if (colon > 0 && name.indexOf(']') < colon) {
            name = name.substring(0, colon);
        }
        name = name.toLowerCase(Locale.ROOT);
        String service = hostAliases.get(name);
        return routes.get(service != null ? service : name);
    }

    /** Applies {@code route} if its generation is newer than the applied one; listeners hear applied routes. */
    public Outcome apply(CompiledRoute route) {
        synchronized (this) {
            CompiledRoute current = routes.get(route.service());
            if (current != null && current.generation() >= route.generation()) {
                return Outcome.STALE;
            }
            Map<String, CompiledRoute> next = new HashMap<>(routes);
            next.put(route.service(), route);
            routes = Map.copyOf(next);
        }
        for (Consumer<CompiledRoute> l : listeners) {
            l.accept(route);
        }
        return Outcome.APPLIED;
    }

    public Collection<CompiledRoute> all() {
        return routes.values();
    }

    /** Called after every applied route (e.g. the proxy refreshing its upstream pools). */
    public void addListener(Consumer<CompiledRoute> listener) {
        listeners.add(listener);
    }
}
