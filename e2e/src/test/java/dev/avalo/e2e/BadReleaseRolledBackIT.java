package dev.avalo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Scenario 1. Given a service on a healthy stable revision and a canary that answers 30 % of requests with 503 after 800 ms,
 * when the canary gets its share of real traffic through the router, then the health-scorer's verdict rolls it back on its own:
 * the deployment is ROLLED_BACK with the reason in its timeline, the router acked the stable-only route, Slack #alerts and
 * PagerDuty heard of it, and every user is back on the stable revision.
 */
@Order(1)
@ExtendWith(E2eExtension.class)
class BadReleaseRolledBackIT {

    @Test
    void aFaultyCanaryIsRolledBackAutomatically(Scenario s) {
        Strategies.canary(s);
        String service = s.serviceName("shop-bad");
        AvaloSystem.SampleApp stable = s.revisionApp(service, service + "-v1");
        AvaloSystem.SampleApp bad = s.revisionApp(service, service + "-v2", "--error-rate", "0.3", "--latency-ms", "800");
        s.register(service, service + "-v1", stable.url());
        List<JsonNode> acks = s.routerAcks(service);
        Load load = s.load(service, 150, 24);

        String id = s.start(service, service + "-v2", bad.url(), Strategies.CANARY);
        JsonNode done = s.awaitState(id, Duration.ofSeconds(150), "ROLLED_BACK");
        Instant rolledBackSeen = Instant.now();
        String timeline = s.timeline(id);
        s.log("rolled back after %s; rollbackMillis %s; %s; timeline:%s",
                Duration.between(Instant.parse(done.path("createdAt").asText()), rolledBackSeen),
                done.path("rollbackMillis").asText(), load, timeline);

        // the verdict, its reason and the actor are in the timeline
        List<JsonNode> events = s.events(id);
        JsonNode started = events.stream().filter(e -> e.path("type").asText().equals("rollback.started")).findFirst()
                .orElseThrow(() -> new AssertionError("no rollback.started in" + timeline));
        // the reason names what the health-scorer found: a breached rule of its last report (or the score band)
        JsonNode report = done.path("health");
        List<String> breached = new java.util.ArrayList<>();
        report.path("breaches").forEach(b -> breached.add(b.path("description").asText()));
        s.log("last health report: verdict %s, score %s, breaches %s", report.path("verdict").asText(),
                report.path("score").asText(), report.path("breaches"));
        assertThat(started.path("reason").asText()).as("rollback reason").startsWith("automatic rollback");
        if (!breached.isEmpty()) {
            assertThat(started.path("reason").asText()).containsAnyOf(breached.toArray(String[]::new));
        } else {
            assertThat(started.path("reason").asText()).contains("score");
        }
        assertThat(started.path("actor").asText()).as("an automatic rollback").doesNotStartWith("e2e-");
        assertThat(events.stream().filter(e -> e.path("type").asText().equals("rolled-back")).count()).isEqualTo(1);
        assertThat(done.path("rollbackMillis").asLong(-1)).as("decision → router ack, ms").isBetween(0L, 30_000L);

        // the router applied weight 0 and acked it on NATS
        JsonNode route = s.route(service);
        assertThat(route.path("canaryWeightBasisPoints").asInt(-1)).as("router route " + route).isZero();
        long generation = route.path("generation").asLong();
        await("router ack of generation " + generation).atMost(Duration.ofSeconds(10))
                .until(() -> acks.stream().anyMatch(a -> a.path("generation").asLong() >= generation
                        && a.path("routerId").asText().equals(AvaloSystem.ROUTER_ID)));

        // every user is back on stable: the canary's users included (the load drew from the same pool)
        long canaryBefore = load.counts(service + "-v2").requests.sum();
        assertThat(canaryBefore).as("the canary got traffic before the rollback").isPositive();
        load.close();
        for (int u = 0; u < 20_000; u += 40) {
            assertThat(load.once("user-" + u)).as("user-" + u + " after the rollback").isEqualTo(service + "-v1");
        }

        // notifications: Slack #alerts and PagerDuty (trigger with the deployment's dedup key, then resolve)
        String dedupKey = "avalo/" + service + "/" + AvaloSystem.ENV + "/" + id;
        await("Slack #alerts and PagerDuty hear of the rollback").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(Scenario.countByTitle(s.slackAlerts(id))).containsEntry("Rollback started", 1L)
                    .containsEntry("Rolled back", 1L);
            List<JsonNode> pages = s.pagerDuty(dedupKey);
            assertThat(pages).anySatisfy(p -> {
                assertThat(p.path("event_action").asText()).isEqualTo("trigger");
                assertThat(p.path("routing_key").asText()).isEqualTo(AvaloSystem.PD_ROUTING_KEY);
                assertThat(p.path("payload").path("severity").asText()).isEqualTo("critical");
            });
            assertThat(pages).anySatisfy(p -> assertThat(p.path("event_action").asText()).isEqualTo("resolve"));
        });
        s.log("Slack #alerts %s, PagerDuty %s", Scenario.countByTitle(s.slackAlerts(id)),
                s.pagerDuty(dedupKey).stream().map(p -> p.path("event_action").asText() + "/"
                        + p.path("payload").path("class").asText()).toList());
    }
}
