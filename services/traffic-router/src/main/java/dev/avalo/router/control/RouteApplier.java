package dev.avalo.router.control;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;

import dev.avalo.contracts.Json;
import dev.avalo.contracts.route.DesiredRoute;
import dev.avalo.router.backend.TrafficBackend;
import dev.avalo.router.route.CompiledRoute;
import dev.avalo.router.route.InvalidRouteException;
import dev.avalo.router.route.RouteCompiler;
import dev.avalo.router.route.RouteTable;

/**
 * Turns desired routes into routes in force: decodes a KV value, validates and compiles it for this router's environment, hands
 * it to the {@link TrafficBackend} (which keeps only newer generations) and keeps the state file current. Never throws on
 * input: every value ends as {@link Applied}, {@link Stale} or {@link Rejected}.
 */
public final class RouteApplier {

    /** What became of one desired route. */
    public sealed interface Result {
        /** The KV key (or {@code <service>.<env>} for a route from the state file). */
        String key();
    }

    /** In force now; the control plane acks {@code route}'s generation. */
    public record Applied(String key, AppliedRoute route) implements Result {
    }

    /**
     * Not newer than the route in force, {@code current}; ignored. An equal generation is a replay (a new watch after a
     * reconnect, a restart that restored it from the state file).
     */
    public record Stale(String key, long generation, AppliedRoute current) implements Result {

        /** True when this is the generation in force, not an older one. */
        public boolean isReplay() {
            return current != null && current.route().generation() == generation;
        }
    }

    /** Refused; the previous route stays in force. {@code generation} is null when the value could not be read. */
    public record Rejected(String key, Long generation, List<String> problems) implements Result {
    }

    private final TrafficBackend backend;
    private final String environment;
    private final RouteStateFile stateFile;
    private final Clock clock;
    /** When each service's route in force was applied, by service. */
    private final Map<String, Instant> appliedAt = new ConcurrentHashMap<>();

    public RouteApplier(TrafficBackend backend, String environment, RouteStateFile stateFile, Clock clock) {
        this.backend = backend;
        this.environment = environment;
        this.stateFile = stateFile;
        this.clock = clock;
    }

    /** The environment this router serves. */
    public String environment() {
        return environment;
    }

    public RouteStateFile stateFile() {
        return stateFile;
    }

    /** Applies the persisted routes (at start, before NATS); one result per route in the file, plus problems of the file. */
    public List<Result> restore() {
        RouteStateFile.Loaded loaded = stateFile.load();
        List<Result> results = new ArrayList<>();
        for (String problem : loaded.problems()) {
            results.add(new Rejected(stateFile.path().toString(), null, List.of(problem)));
        }
        for (DesiredRoute route : loaded.routes()) {
            results.add(accept(null, route));
        }
        return results;
    }

    /** Decodes and applies the value of KV key {@code key}. */
    public Result accept(String key, byte[] value) {
        DesiredRoute route;
        try {
            route = Json.decode(value, DesiredRoute.class);
        } catch (IllegalArgumentException e) {
            return new Rejected(key, generationIn(value), List.of(e.getMessage()));
        }
        return accept(key, route);
    }

    /**
     * Validates and applies {@code route}; {@code key} is the KV key it came from (it must match the route's names), or null
     * for a route from the state file.
     */
    public synchronized Result accept(String key, DesiredRoute route) {
        String name = key != null ? key : route == null ? "(empty)" : route.service() + "." + route.environment();
        CompiledRoute compiled;
        try {
            compiled = RouteCompiler.compile(key, route, environment);
        } catch (InvalidRouteException e) {
            return new Rejected(name, route == null ? null : route.generation(), e.problems());
        }
        RouteTable.Outcome outcome;
        try {
            outcome = backend.apply(compiled);
        } catch (RuntimeException e) {
            return new Rejected(name, compiled.generation(),
                    List.of("the " + backend.type() + " backend could not apply it: " + e.getMessage()));
        }
        if (outcome == RouteTable.Outcome.STALE) {
            return new Stale(name, compiled.generation(), applied(compiled.service()).orElse(null));
        }
        Instant now = clock.instant();
        appliedAt.put(compiled.service(), now);
        return new Applied(name, new AppliedRoute(route, now));
    }

    /** Writes the routes in force to the state file. */
    public void persist() {
        stateFile.save(applied().stream().map(AppliedRoute::route).toList());
    }

    /** The routes in force, by service name. */
    public List<AppliedRoute> applied() {
        List<AppliedRoute> routes = new ArrayList<>();
        for (CompiledRoute r : backend.applied()) {
            routes.add(view(r));
        }
        routes.sort(Comparator.comparing(a -> a.route().service()));
        return routes;
    }

    /** The route of {@code service} in force, if any. */
    public Optional<AppliedRoute> applied(String service) {
        for (CompiledRoute r : backend.applied()) {
            if (r.service().equals(service)) {
                return Optional.of(view(r));
            }
        }
        return Optional.empty();
    }

    private AppliedRoute view(CompiledRoute r) {
        return new AppliedRoute(r.source(), appliedAt.get(r.service()));
    }

    /** The generation of a value that is JSON but not a route, for the rejection event; null when there is none. */
    private static Long generationIn(byte[] value) {
        try {
            JsonNode generation = Json.mapper().readTree(value).path("generation");
            return generation.canConvertToLong() && generation.isIntegralNumber() ? generation.asLong() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
