package dev.avalo.orchestrator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.quarkus.test.junit.QuarkusTest;

import dev.avalo.contracts.Json;
import dev.avalo.contracts.deployment.DeploymentCommand;
import dev.avalo.contracts.deployment.DeploymentView;
import dev.avalo.contracts.problem.Problem;
import dev.avalo.testing.TestTokens;

/** NATS commands behave exactly like REST: same validation, same authorisation, same replies. */
@QuarkusTest
class NatsCommandTest extends OrchestratorTestBase {

    private static Message request(String action, String role, Object body) {
        Headers headers = new Headers();
        if (role != null) {
            headers.put("Authorization", "Bearer " + TestTokens.token(role, role + "-user"));
        }
        return nats.request(subjects.deployCommand(action), headers,
                body instanceof byte[] b ? b : Json.encode(body), Duration.ofSeconds(10));
    }

    private static String status(Message m) {
        return m.getHeaders().getFirst("Avalo-Status");
    }

    @Test
    void startPromoteAndRollbackOverNats() {
        String service = unique("nats-api");
        registerService(service, "production", service + "-v1");
        Map<String, Object> start = startBody(service, "production", service + "-v2");

        assertThat(status(request("start", null, start))).isEqualTo("401");
        assertThat(status(request("start", "viewer", start))).isEqualTo("403");
        Message bad = request("start", "deployer", "{\"service\":".getBytes());
        assertThat(status(bad)).isEqualTo("400");
        assertThat(Json.decode(bad.getData(), Problem.class).status()).isEqualTo(400);

        Message created = request("start", "deployer", start);
        assertThat(status(created)).isEqualTo("201");
        DeploymentView view = Json.decode(created.getData(), DeploymentView.class);
        assertThat(view.state()).isEqualTo("RUNNING");
        assertThat(view.createdBy()).isEqualTo("deployer-user");
        assertThat(status(request("start", "deployer", start))).isEqualTo("409");

        Message promoted = request("promote", "deployer", new DeploymentCommand(view.id(), null, null, "by bot", null));
        assertThat(status(promoted)).isEqualTo("200");
        assertThat(Json.decode(promoted.getData(), DeploymentView.class).stage().index()).isEqualTo(1);
        assertThat(status(request("approve", "deployer", new DeploymentCommand(view.id(), null, null, null, null))))
                .isEqualTo("403");
        Message badMode = request("rollback", "deployer", new DeploymentCommand(view.id(), "sideways", null, null, null));
        assertThat(status(badMode)).isEqualTo("400");
        assertThat(Json.decode(badMode.getData(), Problem.class).field()).isEqualTo("mode");
        assertThat(status(request("pause", "deployer", new DeploymentCommand("nope", null, null, null, null))))
                .isEqualTo("400");

        Message rolledBack = request("rollback", "deployer",
                new DeploymentCommand(view.id(), "immediate", null, "bad p99", null));
        assertThat(status(rolledBack)).isEqualTo("200");
        assertThat(Json.decode(rolledBack.getData(), DeploymentView.class).state()).isEqualTo("ROLLING_BACK");
        awaitRoute(service, "production", 0, 4);
    }
}
