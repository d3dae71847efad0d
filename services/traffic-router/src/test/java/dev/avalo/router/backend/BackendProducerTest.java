package dev.avalo.router.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.avalo.router.backend.embedded.EmbeddedBackend;
import dev.avalo.router.backend.gatewayapi.GatewayApiBackend;
import dev.avalo.router.config.GatewayApiConfig;
import dev.avalo.router.config.RouterConfig;
import dev.avalo.router.route.RouteTable;

/** The backend named in {@code avalo.router.backend} is the one produced; an unknown name fails, never falls back. */
class BackendProducerTest {

    private final BackendProducer producer = new BackendProducer();
    private final RouteTable table = new RouteTable(Map.of());

    @Test
    void anUnknownBackendNameFailsStartup() {
        assertThatThrownBy(() -> producer.backend(config("nginx", null), table))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unknown traffic backend 'nginx'")
                .hasMessageContaining("embedded, gateway-api");
    }

    @Test
    void embeddedIsTheProxysTable() {
        TrafficBackend backend = producer.backend(config("embedded", null), table);

        assertThat(backend).isInstanceOf(EmbeddedBackend.class);
        assertThat(backend.type()).isEqualTo("embedded");
    }

    @Test
    void gatewayApiWithoutAGatewayNameFailsStartup() {
        assertThatThrownBy(() -> producer.backend(config("gateway-api", null), table))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("avalo.router.gateway-api.gateway.name is required");
    }

    @Test
    void gatewayApiWithAGatewayName() throws Exception {
        TrafficBackend backend = producer.backend(config("gateway-api", "public"), table);
        try {
            assertThat(backend).isInstanceOf(GatewayApiBackend.class);
            assertThat(backend.type()).isEqualTo("gateway-api");
        } finally {
            producer.close(backend);
        }
    }

    /** A {@link RouterConfig} answering {@code backend}, no host aliases, and the Gateway API settings; nothing else. */
    private static RouterConfig config(String backend, String gatewayName) {
        GatewayApiConfig.Gateway gateway = stub(GatewayApiConfig.Gateway.class,
                Map.of("name", Optional.ofNullable(gatewayName), "namespace", Optional.empty()));
        GatewayApiConfig gatewayApi = stub(GatewayApiConfig.class, Map.of("namespace", Optional.of("avalo"),
                "gateway", gateway, "backendPort", 8080, "domainSuffix", Optional.empty()));
        return stub(RouterConfig.class, Map.of("backend", backend, "hostAliases", Map.of(), "gatewayApi", gatewayApi));
    }

    private static <T> T stub(Class<T> type, Map<String, Object> answers) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, (proxy, method, args) -> {
            if (answers.containsKey(method.getName())) {
                return answers.get(method.getName());
            }
            throw new UnsupportedOperationException(type.getSimpleName() + "." + method.getName() + " in this test");
        }));
    }
}
