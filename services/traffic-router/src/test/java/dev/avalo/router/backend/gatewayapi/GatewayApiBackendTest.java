package dev.avalo.router.backend.gatewayapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteList;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;

import dev.avalo.router.backend.TrafficBackend;
import dev.avalo.router.backend.TrafficBackendContractTest;
import dev.avalo.router.route.CompiledRoute;
import dev.avalo.router.route.RouteTable;

/**
 * The Gateway API backend against fabric8's mock API server in CRUD mode (a fresh one per test): the contract, then the exact
 * {@code HTTPRoute} it writes at 1 %, 50 %, 0 % and after a stale generation, and its ordering across restarts. Plain HTTP: the
 * mock's self-signed certificate needs bcprov-jdk18on, which jnats' bcprov-lts8on shadows on this class path.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class GatewayApiBackendTest extends TrafficBackendContractTest {

    private static final String NS = "avalo";
    private static final ObjectMapper JSON = new ObjectMapper();

    KubernetesMockServer server;
    KubernetesClient client;

    private static GatewayApiBackend.Settings settings() {
        return new GatewayApiBackend.Settings(NS, "public", "gateway-system", 8080, "example.com", Map.of());
    }

    @Override
    protected TrafficBackend newBackend() {
        return new GatewayApiBackend(client, settings());
    }

    @Override
    protected void assertInForce(CompiledRoute route) {
        HTTPRoute live = live(route.service());
        assertThat(live).as("HTTPRoute %s", route.service()).isNotNull();
        assertThat(GatewayApiBackend.generationOf(live)).isEqualTo(route.generation());
        List<Integer> weights = live.getSpec().getRules().get(0).getBackendRefs().stream()
                .map(ref -> ref.getWeight()).toList();
        if (route.canary() == null) {
            assertThat(weights).containsExactly(10_000);
        } else {
            assertThat(weights).containsExactly(10_000 - route.canaryWeightBasisPoints(), route.canaryWeightBasisPoints());
        }
    }

    @Test
    void writesTheExactHttpRouteAtOnePercent() throws Exception {
        backend.apply(route("chat-api", 1, 100));

        assertShape("chat-api", 1, 9_900, 100);
    }

    @Test
    void movesTheWeightsToFiftyPercent() throws Exception {
        backend.apply(route("chat-api", 1, 100));
        backend.apply(route("chat-api", 2, 5_000));

        assertShape("chat-api", 2, 5_000, 5_000);
    }

    @Test
    void rollbackToZeroKeepsTheCanaryRefAtWeightZero() throws Exception {
        backend.apply(route("chat-api", 1, 5_000));
        backend.apply(route("chat-api", 2, 0));

        assertShape("chat-api", 2, 10_000, 0);
    }

    @Test
    void aStaleGenerationLeavesTheLiveRouteUntouched() throws Exception {
        backend.apply(route("chat-api", 3, 5_000));
        String resourceVersion = live("chat-api").getMetadata().getResourceVersion();

        assertThat(backend.apply(route("chat-api", 2, 100))).isEqualTo(RouteTable.Outcome.STALE);

        assertShape("chat-api", 3, 5_000, 5_000);
        assertThat(live("chat-api").getMetadata().getResourceVersion()).isEqualTo(resourceVersion);
    }

    @Test
    void aStableOnlyRouteHasOneBackendRef() throws Exception {
        backend.apply(stableOnly("chat-api", 1));

        JsonNode refs = tree(live("chat-api")).at("/spec/rules/0/backendRefs");
        assertThat(refs).isEqualTo(JSON.readTree("""
                [{"group":"","kind":"Service","name":"chat-api-v1","port":8080,"weight":10000}]"""));
    }

    @Test
    void aRestartedRouterKeepsTheLiveGenerationOrder() {
        backend.apply(route("chat-api", 3, 5_000));
        String resourceVersion = live("chat-api").getMetadata().getResourceVersion();

        GatewayApiBackend restarted = new GatewayApiBackend(client, settings());

        assertThat(restarted.apply(route("chat-api", 2, 100))).isEqualTo(RouteTable.Outcome.STALE);
        assertThat(restarted.applied()).isEmpty();
        CompiledRoute same = route("chat-api", 3, 5_000);
        assertThat(restarted.apply(same)).as("the live object already carries generation 3")
                .isEqualTo(RouteTable.Outcome.APPLIED);
        assertThat(restarted.applied()).containsExactly(same);
        assertThat(live("chat-api").getMetadata().getResourceVersion()).as("no write for an equal generation")
                .isEqualTo(resourceVersion);
        assertThat(restarted.apply(route("chat-api", 4, 10_000))).isEqualTo(RouteTable.Outcome.APPLIED);
        assertInForce(route("chat-api", 4, 10_000));
    }

    @Test
    void aNewerGenerationWrittenByAnotherRouterWins() {
        GatewayApiBackend other = new GatewayApiBackend(client, settings());
        other.apply(route("chat-api", 7, 2_500));

        assertThat(backend.apply(route("chat-api", 6, 100))).isEqualTo(RouteTable.Outcome.STALE);

        assertInForce(route("chat-api", 7, 2_500));
    }

    @Test
    void keepsLabelsAndAnnotationsThatOthersAdded() {
        backend.apply(route("chat-api", 1, 100));
        client.resources(HTTPRoute.class, HTTPRouteList.class).inNamespace(NS).withName("chat-api")
                .edit(r -> {
                    r.getMetadata().getLabels().put("team", "chat");
                    r.getMetadata().getAnnotations().put("example.com/owner", "chat-team");
                    return r;
                });

        backend.apply(route("chat-api", 2, 1_000));

        HTTPRoute live = live("chat-api");
        assertThat(live.getMetadata().getLabels()).containsEntry("team", "chat")
                .containsEntry(GatewayApiBackend.MANAGED_BY_LABEL, "avalo");
        assertThat(live.getMetadata().getAnnotations()).containsEntry("example.com/owner", "chat-team")
                .containsEntry(GatewayApiBackend.GENERATION_ANNOTATION, "2");
    }

    @Test
    void hostNamesIncludeAliasesOfTheService() {
        GatewayApiBackend withAliases = new GatewayApiBackend(client, new GatewayApiBackend.Settings(NS, "public", null,
                8080, null, Map.of("chat", "chat-api", "chat.example.org", "chat-api", "search-alias", "search")));

        withAliases.apply(route("chat-api", 1, 100));

        HTTPRoute live = live("chat-api");
        assertThat(live.getSpec().getHostnames()).containsExactly("chat-api", "chat", "chat.example.org");
        assertThat(live.getSpec().getParentRefs().get(0).getNamespace()).as("same namespace as the route").isNull();
    }

    @Test
    void anUnreachableApiServerFailsTheApplyAndRecordsNothing() {
        KubernetesClient unreachable = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl("http://127.0.0.1:1")
                .withRequestRetryBackoffLimit(0)
                .withConnectionTimeout(1_000)
                .withRequestTimeout(1_000)
                .build()).build();
        try (GatewayApiBackend down = new GatewayApiBackend(unreachable, settings())) {
            assertThatThrownBy(() -> down.apply(route("chat-api", 1, 100)))
                    .isInstanceOf(KubernetesClientException.class);
            assertThat(down.applied()).isEmpty();
        }
    }

    @Test
    void aGatewayNameIsRequired() {
        assertThatThrownBy(() -> new GatewayApiBackend.Settings(NS, " ", null, 8080, null, Map.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("avalo.router.gateway-api.gateway.name");
    }

    /** Reads the route back through the generic API and compares it, as stored, with the shape expected. */
    private void assertShape(String service, long generation, int stableWeight, int canaryWeight) throws Exception {
        GenericKubernetesResource raw = client.genericKubernetesResources("gateway.networking.k8s.io/v1", "HTTPRoute")
                .inNamespace(NS).withName(service).get();
        assertThat(raw).as("HTTPRoute %s/%s", NS, service).isNotNull();
        JsonNode actual = tree(raw);

        assertThat(actual.get("apiVersion").asText()).isEqualTo("gateway.networking.k8s.io/v1");
        assertThat(actual.get("kind").asText()).isEqualTo("HTTPRoute");
        JsonNode metadata = actual.get("metadata");
        assertThat(metadata.get("name").asText()).isEqualTo(service);
        assertThat(metadata.get("namespace").asText()).isEqualTo(NS);
        assertThat(metadata.get("labels")).isEqualTo(JSON.readTree("""
                {"app.kubernetes.io/managed-by":"avalo","avalo.dev/service":"%s","avalo.dev/environment":"production"}"""
                .formatted(service)));
        assertThat(metadata.get("annotations")).isEqualTo(JSON.readTree("""
                {"avalo.dev/route-generation":"%d","avalo.dev/route-reason":"test generation %d"}"""
                .formatted(generation, generation)));
        assertThat(actual.get("spec")).isEqualTo(JSON.readTree(
                """
                        {"parentRefs":[{"group":"gateway.networking.k8s.io","kind":"Gateway","name":"public","namespace":"gateway-system"}],
                         "hostnames":["%1$s.example.com"],
                         "rules":[{"backendRefs":[
                           {"group":"","kind":"Service","name":"%1$s-v1","port":8080,"weight":%2$d},
                           {"group":"","kind":"Service","name":"%1$s-v2","port":8080,"weight":%3$d}]}]}"""
                        .formatted(service, stableWeight, canaryWeight)));
    }

    private HTTPRoute live(String service) {
        return client.resources(HTTPRoute.class, HTTPRouteList.class).inNamespace(NS).withName(service).get();
    }

    private JsonNode tree(Object resource) throws Exception {
        return JSON.readTree(client.getKubernetesSerialization().asJson(resource));
    }
}
