package dev.avalo.orchestrator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.quarkus.test.junit.QuarkusTest;

import dev.avalo.contracts.Json;
import dev.avalo.contracts.deployment.EmergencyStopReply;
import dev.avalo.contracts.deployment.EmergencyStopRequest;
import dev.avalo.testing.TestTokens;

/** Emergency stop halts and reverts every live deployment, by REST (approver) and by NATS. */
@QuarkusTest
class EmergencyStopTest extends OrchestratorTestBase {

    @Test
    void restEmergencyStopRevertsThreeLiveDeployments() {
        List<String> services = List.of(unique("es-a"), unique("es-b"), unique("es-c"));
        List<String> ids = services.stream().map(OrchestratorTestBase::startProduction).toList();
        services.forEach(s -> awaitRoute(s, "production", 100, 2));
        post("deployer", "/api/v1/deployments/" + ids.get(1) + "/promote", null).then().statusCode(200);
        awaitRoute(services.get(1), "production", 1000, 3);

        post("deployer", "/api/v1/emergency-stop", Map.of("reason", "bad config everywhere")).then().statusCode(403);
        post("approver", "/api/v1/emergency-stop", Map.of("reason", " ")).then().statusCode(400);
        List<String> stopped = post("approver", "/api/v1/emergency-stop", Map.of("reason", "bad config everywhere"))
                .then().statusCode(200).extract().path("stopped.id");
        assertThat(stopped).containsAll(ids);
        for (int i = 0; i < services.size(); i++) {
            assertThat(state(ids.get(i))).isEqualTo("ROLLING_BACK");
            var route = awaitRoute(services.get(i), "production", 0, 3);
            ack(services.get(i), "production", route.generation());
            awaitState(ids.get(i), "ROLLED_BACK");
        }
        String type = get("viewer", "/api/v1/deployments/" + ids.get(0) + "/events").then().extract()
                .path("find { it.type == 'emergency-stop' }.actor");
        assertThat(type).isEqualTo("approver-user");
    }

    @Test
    void natsEmergencyStopNeedsAnApproverToken() {
        String service = unique("es-nats");
        String id = startProduction(service);
        awaitRoute(service, "production", 100, 2);
        byte[] body = Json.encode(new EmergencyStopRequest("incident 42"));

        Message denied = nats.request(subjects.emergencyStop(),
                new Headers().put("Authorization", "Bearer " + TestTokens.token("deployer")), body, Duration.ofSeconds(10));
        assertThat(denied.getHeaders().getFirst("Avalo-Status")).isEqualTo("403");
        Message anonymous = nats.request(subjects.emergencyStop(), new Headers(), body, Duration.ofSeconds(10));
        assertThat(anonymous.getHeaders().getFirst("Avalo-Status")).isEqualTo("401");
        assertThat(state(id)).isEqualTo("RUNNING");

        Message ok = nats.request(subjects.emergencyStop(),
                new Headers().put("Authorization", "Bearer " + TestTokens.token("approver")), body, Duration.ofSeconds(10));
        assertThat(ok.getHeaders().getFirst("Avalo-Status")).isEqualTo("200");
        EmergencyStopReply reply = Json.decode(ok.getData(), EmergencyStopReply.class);
        assertThat(reply.stopped()).anyMatch(d -> d.id().equals(id));
        awaitRoute(service, "production", 0, 3);
    }
}
