package dev.avalo.orchestrator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.avalo.contracts.route.DesiredRoute;

/** Every manual action by REST: promote, pause, resume, approve, abort and the three rollback modes. */
@QuarkusTest
class ManualActionsTest extends OrchestratorTestBase {

    @Test
    void promotePauseResumeAndPreviousStageRollback() {
        String service = unique("search-api");
        String id = startProduction(service);
        DesiredRoute r1 = awaitRoute(service, "production", 100, 2);

        post("deployer", "/api/v1/deployments/" + id + "/promote", Map.of("reason", "looks fine")).then()
                .statusCode(200).body("state", equalTo("RUNNING")).body("stage.index", equalTo(1))
                // the stage carries its gates, earlier stages' included: the health-scorer judges by this list
                .body("stage.gates", contains("error-rate", "latency-p95", "success-rate", "no-critical-alerts",
                        "db-query-time", "ai-model-latency", "payment-success"));
        DesiredRoute r2 = awaitRoute(service, "production", 1000, r1.generation() + 1);

        post("deployer", "/api/v1/deployments/" + id + "/pause", null).then().statusCode(200)
                .body("state", equalTo("PAUSED"));
        post("deployer", "/api/v1/deployments/" + id + "/promote", null).then().statusCode(409)
                .body("detail", containsString("resume it first"));
        post("deployer", "/api/v1/deployments/" + id + "/pause", null).then().statusCode(409);
        post("deployer", "/api/v1/deployments/" + id + "/resume", null).then().statusCode(200)
                .body("state", equalTo("RUNNING"));

        post("deployer", "/api/v1/deployments/" + id + "/rollback", Map.of("mode", "previous-stage")).then()
                .statusCode(200).body("state", equalTo("PAUSED")).body("stage.index", equalTo(0));
        awaitRoute(service, "production", 100, r2.generation() + 1);
        post("deployer", "/api/v1/deployments/" + id + "/rollback", Map.of("mode", "previous-stage")).then()
                .statusCode(409).body("detail", containsString("first stage"));
    }

    @Test
    void approveIsForApproversAndOnlyWhenAwaiting() {
        String service = unique("cart-api");
        String id = startProduction(service);
        awaitRoute(service, "production", 100, 2);
        post("deployer", "/api/v1/deployments/" + id + "/promote", null).then().statusCode(200);
        post("deployer", "/api/v1/deployments/" + id + "/approve", null).then().statusCode(403);
        post("approver", "/api/v1/deployments/" + id + "/approve", null).then().statusCode(409)
                .body("detail", containsString("nothing to approve"));

        // stage 2 with a warning (score in the 70–79 band) waits for approval
        CLOCK.advance(Duration.ofSeconds(5));
        publishHealth(id, report(service, "production", service + "-v2", 75.0, List.of(), List.of()));
        awaitState(id, "AWAITING_APPROVAL");
        post("approver", "/api/v1/deployments/" + id + "/approve", Map.of("reason", "known slow query")).then()
                .statusCode(200).body("state", equalTo("RUNNING"));
        String approved = get("viewer", "/api/v1/deployments/" + id + "/events").then().extract()
                .path("find { it.type == 'approved' }.actor");
        assertThat(approved).isEqualTo("approver-user");
    }

    @Test
    void abortRevertsTrafficAndEndsTheDeployment() {
        String service = unique("auth-api");
        String id = startProduction(service);
        DesiredRoute r1 = awaitRoute(service, "production", 100, 2);
        post("deployer", "/api/v1/deployments/" + id + "/abort", Map.of("reason", "wrong build")).then()
                .statusCode(200).body("state", equalTo("ABORTED"));
        DesiredRoute back = awaitRoute(service, "production", 0, r1.generation() + 1);
        assertThat(back.stable().revision()).isEqualTo(service + "-v1");
        post("deployer", "/api/v1/deployments/" + id + "/resume", null).then().statusCode(409);
        // a new deployment may start now
        post("deployer", "/api/v1/deployments", startBody(service, "production", service + "-v3")).then()
                .statusCode(201);
    }

    @Test
    void rollbackToANamedEarlierRevision() {
        String service = unique("media-api");
        String id = startProduction(service);
        DesiredRoute r1 = awaitRoute(service, "production", 100, 2);
        post("deployer", "/api/v1/deployments/" + id + "/rollback",
                Map.of("mode", "revision", "revision", "media-api-v0-unknown")).then().statusCode(404)
                .body("field", equalTo("revision"));
        post("deployer", "/api/v1/deployments/" + id + "/rollback", Map.of("mode", "revision")).then()
                .statusCode(400).body("field", equalTo("revision"));
        post("deployer", "/api/v1/deployments/" + id + "/rollback", Map.of("mode", "sideways")).then()
                .statusCode(400).body("field", equalTo("mode"));
        assertThat(state(id)).isEqualTo("RUNNING");

        post("deployer", "/api/v1/deployments/" + id + "/rollback",
                Map.of("mode", "revision", "revision", service + "-v1", "reason", "back to v1")).then().statusCode(200)
                .body("state", equalTo("ROLLING_BACK"));
        DesiredRoute back = awaitRoute(service, "production", 0, r1.generation() + 1);
        assertThat(back.stable().revision()).isEqualTo(service + "-v1");
        assertThat(back.canary()).isNull();
        ack(service, "production", back.generation());
        awaitState(id, "ROLLED_BACK");
        assertThat(get("viewer", "/api/v1/services/" + service + "/production/revisions").then().extract()
                .<String>path("find { it.revision == '" + service + "-v2' }.status")).isEqualTo("rolled-back");
    }
}
