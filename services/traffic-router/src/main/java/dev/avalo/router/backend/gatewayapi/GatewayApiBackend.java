package dev.avalo.router.backend.gatewayapi;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRefBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteList;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.quarkus.logging.Log;

import dev.avalo.router.backend.TrafficBackend;
import dev.avalo.router.route.CompiledRoute;
import dev.avalo.router.route.RouteTable;

/**
 * Programs a Kubernetes Gateway API {@code HTTPRoute} (gateway.networking.k8s.io/v1) per service instead of proxying: one rule
 * whose {@code backendRefs} are the stable and canary revisions' Services, weighted {@code 10000 − canaryWeightBasisPoints} and
 * {@code canaryWeightBasisPoints} (Gateway API weights are relative, so basis points work as they are).
 * <p>
 * The route's generation is kept in the annotation {@value #GENERATION_ANNOTATION}; a route is written only when its generation
 * is newer than the live object's, with the live object's {@code resourceVersion} (optimistic concurrency), so writes stay
 * ordered across router restarts and between several routers. Stickiness is the gateway's business: Gateway API's weights split
 * per request.
 */
public class GatewayApiBackend implements TrafficBackend, AutoCloseable {

    public static final String TYPE = "gateway-api";
    public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY = "avalo";
    public static final String SERVICE_LABEL = "avalo.dev/service";
    public static final String ENVIRONMENT_LABEL = "avalo.dev/environment";
    public static final String GENERATION_ANNOTATION = "avalo.dev/route-generation";
    public static final String REASON_ANNOTATION = "avalo.dev/route-reason";

    /** Conflicting writers (another router, a create race) are retried this many times. */
    private static final int ATTEMPTS = 5;

    /** What the backend needs to know, resolved from configuration. */
    public record Settings(
            String namespace,
            String gatewayName,
            String gatewayNamespace,
            int backendPort,
            String domainSuffix,
            Map<String, String> hostAliases) {

        public Settings {
            if (gatewayName == null || gatewayName.isBlank()) {
                throw new IllegalStateException(
                        "avalo.router.gateway-api.gateway.name is required with avalo.router.backend=" + TYPE);
            }
            if (backendPort < 1 || backendPort > 65_535) {
                throw new IllegalStateException("avalo.router.gateway-api.backend-port must be 1–65535, got " + backendPort);
            }
            hostAliases = hostAliases == null ? Map.of() : Map.copyOf(hostAliases);
        }
    }

    private final KubernetesClient client;
    private final Settings settings;
    private final Map<String, CompiledRoute> applied = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    public GatewayApiBackend(KubernetesClient client, Settings settings) {
        this.client = client;
        this.settings = settings;
    }

    @Override
    public String type() {
        return TYPE;
    }

    /**
     * Writes the route's {@code HTTPRoute} unless an equal or newer generation is already in force (here or on the live
     * object). A live object that already carries this very generation (written before a restart) counts as applied without a
     * write.
     *
     * @throws KubernetesClientException
     *             when the API server refuses the write or cannot be reached; nothing is recorded as applied
     */
    @Override
    public RouteTable.Outcome apply(CompiledRoute route) {
        synchronized (lockFor(route.service())) {
            CompiledRoute current = applied.get(route.service());
            if (current != null && current.generation() >= route.generation()) {
                return RouteTable.Outcome.STALE;
            }
            for (int attempt = 1;; attempt++) {
                HTTPRoute live = routes().withName(routeName(route)).get();
                long liveGeneration = generationOf(live);
                if (liveGeneration > route.generation()) {
                    Log.debugf("HTTPRoute %s/%s is at generation %d, ignoring %d", namespace(), routeName(route),
                            liveGeneration, route.generation());
                    return RouteTable.Outcome.STALE;
                }
                if (liveGeneration == route.generation()) {
                    applied.put(route.service(), route);
                    return RouteTable.Outcome.APPLIED;
                }
                HTTPRoute desired = desired(route, live);
                try {
                    if (live == null) {
                        routes().resource(desired).create();
                    } else {
                        routes().resource(desired).update();
                    }
                    applied.put(route.service(), route);
                    Log.infof("HTTPRoute %s/%s at generation %d: %s %d, %s %d", namespace(), routeName(route),
                            route.generation(), route.stable().revision(), stableWeight(route),
                            route.canary() == null ? "-" : route.canary().revision(), route.canaryWeightBasisPoints());
                    return RouteTable.Outcome.APPLIED;
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 409 || attempt >= ATTEMPTS) {
                        throw e;
                    }
                    Log.debugf("HTTPRoute %s/%s changed under us (%s), retrying", namespace(), routeName(route),
                            e.getMessage());
                }
            }
        }
    }

    @Override
    public Collection<CompiledRoute> applied() {
        return List.copyOf(applied.values());
    }

    @Override
    public void close() {
        client.close();
    }

    /** The {@code HTTPRoute} for {@code route}, keeping labels and annotations that others put on {@code live}. */
    HTTPRoute desired(CompiledRoute route, HTTPRoute live) {
        Map<String, String> labels = new LinkedHashMap<>();
        Map<String, String> annotations = new LinkedHashMap<>();
        String resourceVersion = null;
        if (live != null) {
            if (live.getMetadata().getLabels() != null) {
                labels.putAll(live.getMetadata().getLabels());
            }
            if (live.getMetadata().getAnnotations() != null) {
                annotations.putAll(live.getMetadata().getAnnotations());
            }
            resourceVersion = live.getMetadata().getResourceVersion();
        }
        labels.put(MANAGED_BY_LABEL, MANAGED_BY);
        labels.put(SERVICE_LABEL, route.service());
        labels.put(ENVIRONMENT_LABEL, route.environment());
        annotations.put(GENERATION_ANNOTATION, Long.toString(route.generation()));
        String reason = route.source() == null ? null : route.source().reason();
        if (reason != null && !reason.isBlank()) {
            annotations.put(REASON_ANNOTATION, reason);
        } else {
            annotations.remove(REASON_ANNOTATION);
        }

        List<HTTPBackendRef> refs = new ArrayList<>(2);
        refs.add(backendRef(route.stable().revision(), stableWeight(route)));
        if (route.canary() != null) {
            refs.add(backendRef(route.canary().revision(), route.canaryWeightBasisPoints()));
        }
        ParentReferenceBuilder parent = new ParentReferenceBuilder()
                .withGroup("gateway.networking.k8s.io")
                .withKind("Gateway")
                .withName(settings.gatewayName());
        if (settings.gatewayNamespace() != null && !settings.gatewayNamespace().isBlank()) {
            parent.withNamespace(settings.gatewayNamespace());
        }
        return new HTTPRouteBuilder()
                .withMetadata(new ObjectMetaBuilder()
                        .withName(routeName(route))
                        .withNamespace(namespace())
                        .withLabels(labels)
                        .withAnnotations(annotations)
                        .withResourceVersion(resourceVersion)
                        .build())
                .withNewSpec()
                .withParentRefs(parent.build())
                .withHostnames(hostnames(route.service()))
                .addNewRule()
                .withBackendRefs(refs)
                .endRule()
                .endSpec()
                .build();
    }

    private HTTPBackendRef backendRef(String revision, int weight) {
        return new HTTPBackendRefBuilder()
                .withGroup("")
                .withKind("Service")
                .withName(revision)
                .withPort(settings.backendPort())
                .withWeight(weight)
                .build();
    }

    /** The service's host name, then the aliases that point at it, each with the domain suffix when one is set. */
    List<String> hostnames(String service) {
        List<String> names = new ArrayList<>();
        names.add(withSuffix(service));
        settings.hostAliases().entrySet().stream()
                .filter(e -> e.getValue().equals(service))
                .map(Map.Entry::getKey)
                .sorted()
                .map(alias -> alias.contains(".") ? alias : withSuffix(alias))
                .filter(h -> !names.contains(h))
                .forEach(names::add);
        return names;
    }

    private String withSuffix(String name) {
        String suffix = settings.domainSuffix();
        if (suffix == null || suffix.isBlank()) {
            return name;
        }
        return name + "." + (suffix.startsWith(".") ? suffix.substring(1) : suffix);
    }

    private static int stableWeight(CompiledRoute route) {
        return route.canary() == null ? 10_000 : 10_000 - route.canaryWeightBasisPoints();
    }

    /** The {@code HTTPRoute}'s name: the service's, so one route per service in the namespace. */
    static String routeName(CompiledRoute route) {
        return route.service();
    }

    /** The generation annotation of {@code live}; 0 when absent, unreadable or there is no live object. */
    static long generationOf(HTTPRoute live) {
        if (live == null || live.getMetadata() == null || live.getMetadata().getAnnotations() == null) {
            return 0;
        }
        String value = live.getMetadata().getAnnotations().get(GENERATION_ANNOTATION);
        try {
            return value == null ? 0 : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private String namespace() {
        return settings.namespace() != null && !settings.namespace().isBlank()
                ? settings.namespace()
                : Optional.ofNullable(client.getNamespace()).orElse("default");
    }

    private NonNamespaceOperation<HTTPRoute, HTTPRouteList, Resource<HTTPRoute>> routes() {
        return client.resources(HTTPRoute.class, HTTPRouteList.class).inNamespace(namespace());
    }

    private Object lockFor(String service) {
        return locks.computeIfAbsent(service, s -> new Object());
    }
}
