package dev.avalo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Scenario 6. Given a canary taking traffic, when the suite's nats-server stops, then the router keeps serving the last routes
 * (fail-static); when it starts again (same store), every service is ready again, the health-scorer reports again and a
 * rollback is applied and acked by the router, and announced by the notifier.
 */
@Order(7)
@ExtendWith(E2eExtension.class)
class NatsRestartIT {

    @Test
    void theRouterServesThroughANatsOutageAndEveryServiceReconnects(Scenario s) {
        Strategies.canary(s);
        String service = s.serviceName("shop-nats");
        AvaloSystem.SampleApp stable = s.revisionApp(service, service + "-v1");
        AvaloSystem.SampleApp canary = s.revisionApp(service, service + "-v2");
        s.register(service, service + "-v1", stable.url());
        Load load = s.load(service, 150, 6);
        String id = s.start(service, service + "-v2", canary.url(), Strategies.CANARY);
        s.awaitRouterWeight(service, 1000, Duration.ofSeconds(20));
        await("a health report").atMost(Duration.ofSeconds(30)).until(() -> !s.deployment(id).path("health").isMissingNode());

        long failures = load.failures();
        long stableBefore = load.counts(service + "-v1").requests.sum();
        long canaryBefore = load.counts(service + "-v2").requests.sum();
        Instant stopped = Instant.now();
        s.system.nats.stop();
        s.log("nats-server stopped");
        // the data plane serves on with the last routes for the whole outage
        await("serving without NATS").during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(12))
                .until(() -> load.failures() == failures);
        assertThat(load.counts(service + "-v1").requests.sum()).isGreaterThan(stableBefore + 300);
        assertThat(load.counts(service + "-v2").requests.sum()).isGreaterThan(canaryBefore + 30);
        Api.Resp ready = s.system.router.get(null, "/q/health/ready");
        s.log("router readiness during the outage: %d %s", ready.status(), ready.body());
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.body()).contains("fail-static");

        s.system.nats.start();
        long t0 = System.nanoTime();
        for (Proc p : s.system.services.values()) {
            p.awaitReady(Duration.ofSeconds(90));
        }
        await("the router watching routes again").atMost(Duration.ofSeconds(60))
                .until(() -> s.system.router.get(null, "/q/health/ready").body().contains("live"));
        s.log("every service ready %d ms after NATS came back", (System.nanoTime() - t0) / 1_000_000);
        assertThat(load.failures()).as("transport failures through the router").isEqualTo(failures);

        // the pipeline works again end to end: fresh health reports, a rollback acked by the router, Slack told
        Instant back = Instant.now();
        await("a health report after the restart").atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode at = s.deployment(id).path("health").path("at");
            return !at.isMissingNode() && Instant.parse(at.asText()).isAfter(back);
        });
        s.system.orchestrator.post("deployer", "/api/v1/deployments/" + id + "/rollback",
                Map.of("mode", "immediate", "reason", "e2e: after the NATS restart")).expect(200);
        s.awaitState(id, Duration.ofSeconds(60), "ROLLED_BACK");
        s.awaitRouterWeight(service, 0, Duration.ofSeconds(10));
        assertThat(s.events(id)).filteredOn(e -> e.path("type").asText().equals("rolled-back"))
                .singleElement().satisfies(e -> assertThat(e.path("actor").asText()).isEqualTo("router:"
                        + AvaloSystem.ROUTER_ID));
        await("the notifier announces it").atMost(Duration.ofSeconds(60))
                .until(() -> Scenario.countByTitle(s.slackAlerts(id)).containsKey("Rolled back"));
        // and a deployment started after the restart is judged: the health-scorer learns of it from the events stream
        String next = s.start(service, service + "-v3", canary.url(), Strategies.CANARY);
        s.awaitRouterWeight(service, 1000, Duration.ofSeconds(30));
        await("the health-scorer judges a deployment started after the NATS restart").atMost(Duration.ofSeconds(60))
                .until(() -> s.deployment(next).path("health").path("deploymentId").asText().equals(next));
        s.system.orchestrator.post("deployer", "/api/v1/deployments/" + next + "/abort",
                Map.of("reason", "e2e: done")).expect(200);
        s.log("outage from %s; %s", stopped, load);
    }
}
