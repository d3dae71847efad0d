package dev.avalo.orchestrator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.cloudevents.CloudEvent;
import io.quarkus.test.junit.QuarkusTest;

import dev.avalo.contracts.CloudEvents;
import dev.avalo.contracts.deployment.DeploymentEventData;
import dev.avalo.contracts.health.Breach;
import dev.avalo.contracts.route.DesiredRoute;
import dev.avalo.testing.NatsProbe;

/**
 * Given the production strategy, when a canary stays healthy, then it walks 1 % → 10 % → 25 % → 50 % → 100 % → bake →
 * SUCCEEDED, with the KV route and the events checked at every step; and when a breach is reported, it rolls back.
 */
@QuarkusTest
class ProductionRolloutTest extends OrchestratorTestBase {

    @Test
    void healthyCanaryIsPromotedThroughEveryStageAndSucceedsAfterTheBake() {
        String service = unique("chat-api");
        NatsProbe.Recorder events = events(service, "production");
        String id = startProduction(service);
        String revision = service + "-v2";

        DesiredRoute route = awaitRoute(service, "production", 100, 2);
        assertThat(route.stable().revision()).isEqualTo(service + "-v1");
        assertThat(route.canary().revision()).isEqualTo(revision);
        assertThat(route.stickiness().header()).isEqualTo("X-User-Id");
        await().atMost(WAIT).until(() -> eventTypes(events).contains("avalo.deployment.created"));
        CloudEvent created = CloudEvents.decode(events.messages().get(0).getData());
        assertThat(created.getType()).isEqualTo("avalo.deployment.created");
        assertThat(created.getSubject()).isEqualTo(id);
        DeploymentEventData data = CloudEvents.data(created, DeploymentEventData.class);
        assertThat(data.deployment().toRevision()).isEqualTo(revision);
        assertThat(data.cause().actor()).isEqualTo("deployer-user");

        // a router acks the 1 % route: "verify canary routing" is ticked by the system
        ack(service, "production", route.generation());
        await().atMost(WAIT).until(() -> Boolean.TRUE.equals(get("viewer", "/api/v1/deployments/" + id + "/checklist")
                .then().extract().path("'verify-canary-routing'.done")));

        int[] weights = {1000, 2500, 5000, 10000};
        long[] minutes = {15, 30, 30, 30};
        long generation = route.generation();
        for (int stage = 0; stage < weights.length; stage++) {
            // a healthy report before the stage's time is up does not promote
            CLOCK.advance(Duration.ofSeconds(1));
            publishHealthy(id, service, "production", revision);
            sweeper.tick();
            assertThat(route(service, "production").canaryWeightBasisPoints())
                    .isEqualTo(stage == 0 ? 100 : weights[stage - 1]);
            CLOCK.advance(Duration.ofMinutes(minutes[stage]));
            publishHealthy(id, service, "production", revision);
            route = awaitRoute(service, "production", weights[stage], generation + 1);
            generation = route.generation();
            int index = stage + 1;
            await().atMost(WAIT).until(() -> deployment(id).then().extract().path("stage.index").equals(index));
        }
        // 100 %: no minimum time; the first healthy report at full traffic starts the bake
        CLOCK.advance(Duration.ofSeconds(1));
        publishHealthy(id, service, "production", revision);
        awaitState(id, "BAKING");

        // 24 h bake: a report near the end, then the bake deadline
        CLOCK.advance(Duration.ofHours(24).minusMinutes(1));
        publishHealthy(id, service, "production", revision);
        CLOCK.advance(Duration.ofMinutes(1));
        sweeper.tick();
        awaitState(id, "SUCCEEDED");
        DesiredRoute done = awaitRoute(service, "production", 0, generation + 1);
        assertThat(done.stable().revision()).isEqualTo(revision);
        assertThat(done.canary()).isNull();
        assertThat(get("viewer", "/api/v1/services/" + service + "/production").then().statusCode(200).extract()
                .<String>path("stableRevision")).isEqualTo(revision);

        await().atMost(WAIT).until(() -> eventTypes(events).contains("avalo.deployment.succeeded"));
        assertThat(eventTypes(events)).containsSubsequence("avalo.deployment.created",
                "avalo.deployment.stage.entered", "avalo.deployment.stage.passed", "avalo.deployment.stage.entered",
                "avalo.deployment.stage.passed", "avalo.deployment.stage.entered", "avalo.deployment.stage.passed",
                "avalo.deployment.stage.entered", "avalo.deployment.stage.passed", "avalo.deployment.stage.entered",
                "avalo.deployment.stage.passed", "avalo.deployment.succeeded");
        assertThat(SCHEDULE_REQUESTS.stream().filter(r -> r.service().equals(service)).count())
                .as("scheduler asked at start and before each of the 4 traffic increases").isEqualTo(5);

        // blue kept 24 h, then archived
        CLOCK.advance(Duration.ofHours(24));
        sweeper.tick();
        await().atMost(WAIT).until(() -> "archived".equals(get("viewer",
                "/api/v1/services/" + service + "/production/revisions").then().extract()
                .path("find { it.revision == '" + service + "-v1' }.status")));
        Map<String, Object> checklist = get("viewer", "/api/v1/deployments/" + id + "/checklist").then()
                .statusCode(200).extract().path("");
        assertThat(checklist).containsKeys("tests-passing", "verify-canary-routing", "archive-blue");
        assertThat(get("viewer", "/api/v1/deployments/" + id + "/checklist").then().extract()
                .<Boolean>path("'archive-blue'.done")).isTrue();
        assertThat(get("viewer", "/api/v1/deployments/" + id + "/checklist").then().extract()
                .<Boolean>path("'monitor-24h'.done")).isTrue();
    }

    @Test
    void breachRollsBackAutomaticallyAndEndsWhenARouterAcksTheStableOnlyRoute() {
        String service = unique("pay-api");
        NatsProbe.Recorder events = events(service, "production");
        String id = startProduction(service);
        DesiredRoute canary = awaitRoute(service, "production", 100, 2);

        publishHealth(id, report(service, "production", service + "-v2", 99.0,
                List.of(new Breach("error-rate-3m", "error rate > 2% for 3 consecutive minutes", 3.1, 2.0,
                        CLOCK.instant().minusSeconds(180))),
                List.of()));
        awaitState(id, "ROLLING_BACK");
        DesiredRoute stable = awaitRoute(service, "production", 0, canary.generation() + 1);
        assertThat(stable.stable().revision()).isEqualTo(service + "-v1");
        await().atMost(WAIT).until(() -> eventTypes(events).contains("avalo.deployment.rollback.started"));

        CLOCK.advance(Duration.ofMillis(250));
        ack(service, "production", stable.generation());
        awaitState(id, "ROLLED_BACK");
        await().atMost(WAIT).until(() -> eventTypes(events).contains("avalo.deployment.rolled-back"));
        Integer millis = deployment(id).then().extract().path("rollbackMillis");
        assertThat(millis).isEqualTo(250);
        assertThat(io.restassured.RestAssured.get("/q/metrics").then().statusCode(200).extract().asString())
                .contains("avalo_rollback_duration_seconds_count");
        String reason = get("viewer", "/api/v1/deployments/" + id + "/events").then().extract()
                .path("find { it.type == 'rollback.started' }.reason");
        assertThat(reason).contains("error rate > 2% for 3 consecutive minutes");
    }

    @Test
    void rollbackWithoutAnyRouterAckEndsAfterTheTimeoutWithAWarning() {
        String service = unique("feed-api");
        NatsProbe.Recorder events = events(service, "production");
        String id = startProduction(service);
        awaitRoute(service, "production", 100, 2);
        post("deployer", "/api/v1/deployments/" + id + "/rollback", Map.of("mode", "immediate")).then()
                .statusCode(200);
        awaitState(id, "ROLLING_BACK");
        CLOCK.advance(Duration.ofSeconds(31));
        sweeper.tick();
        awaitState(id, "ROLLED_BACK");
        await().atMost(WAIT).until(() -> eventTypes(events).contains("avalo.deployment.warning"));
    }
}
