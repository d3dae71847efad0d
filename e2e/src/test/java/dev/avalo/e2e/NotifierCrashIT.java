package dev.avalo.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;

/**
 * Scenario 5. Given a live canary, when it is rolled back while Slack and PagerDuty answer 503 (so the rollback's notifications
 * sit in the notifier's delivery log, attempted and waiting for a retry) and the notifier is killed with SIGKILL, then after a
 * restart (providers healthy again) every notification of that deployment reaches Slack and PagerDuty exactly once: nothing
 * lost from the stream or the log, nothing sent twice once the killed notifier's leases end.
 */
@Order(5)
@ExtendWith(E2eExtension.class)
class NotifierCrashIT {

    @Test
    void killedDuringARollbackTheNotifierDeliversEachNotificationOnce(Scenario s) {
        Strategies.canary(s);
        AvaloSystem.SampleApp stable = s.sampleApp("notify-stable");
        AvaloSystem.SampleApp canary = s.sampleApp("notify-canary");
        String service = s.serviceName("shop-notify");
        s.register(service, service + "-v1", stable.url());
        String id = s.start(service, service + "-v2", canary.url(), Strategies.CANARY);
        s.awaitRouterWeight(service, 1000, Duration.ofSeconds(20));
        await("the start announced on #deployments").atMost(Duration.ofSeconds(30))
                .until(() -> !s.slackDeployments(id).isEmpty());

        // the providers fail for this service's notifications from now on
        List<StubMapping> failing = List.of(
                s.system.wiremock.stubFor(post(urlPathEqualTo("/slack/alerts")).withRequestBody(containing(service))
                        .atPriority(1).willReturn(aResponse().withStatus(503))),
                s.system.wiremock.stubFor(post(urlPathEqualTo("/pagerduty/v2/enqueue"))
                        .withRequestBody(containing(service)).atPriority(1).willReturn(aResponse().withStatus(503))));
        s.system.orchestrator.post("deployer", "/api/v1/deployments/" + id + "/rollback",
                Map.of("mode", "immediate", "reason", "e2e: notifier crash scenario")).expect(200);
        s.awaitState(id, Duration.ofSeconds(30), "ROLLED_BACK");
        // the first of each channel attempted and refused; the rest queued behind it in the delivery log (per deployment and
        // channel the oldest open row goes first, so "rolled back" waits for "rollback started")
        await("the rollback's notifications attempted or queued").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100)).until(() -> Scenario.countByTitle(s.attempts("/slack/alerts", id))
                        .containsKey("Rollback started")
                        && actions(s.attempts("/pagerduty/v2/enqueue", id)).contains("trigger")
                        && queued(s, id).containsAll(List.of("slack:alerts rolled-back", "pagerduty rolled-back")));
        s.log("in the delivery log before the kill: %s", queued(s, id));
        s.system.service("notifier").kill9();
        assertThat(s.slackAlerts(id)).as("nothing delivered before the kill").isEmpty();
        assertThat(s.pagerDuty(id)).isEmpty();
        s.log("notifier killed after attempts: Slack #alerts %s, PagerDuty %s",
                Scenario.countByTitle(s.attempts("/slack/alerts", id)), actions(s.attempts("/pagerduty/v2/enqueue", id)));
        failing.forEach(s.system.wiremock::removeStub);

        long t0 = System.nanoTime();
        s.system.restart("notifier", s.name);
        s.log("notifier restarted in %d ms", (System.nanoTime() - t0) / 1_000_000);

        await("every rollback notification delivered").atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
            assertThat(Scenario.countByTitle(s.slackAlerts(id))).containsKeys("Rollback started", "Rolled back");
            assertThat(actions(s.pagerDuty(id))).contains("trigger", "resolve");
        });
        long delivered = (System.nanoTime() - t0) / 1_000_000;
        // then nothing more for a while past the killed notifier's leases (10 s): no late re-send
        Map<String, Long> alerts = Scenario.countByTitle(s.slackAlerts(id));
        Map<String, Long> deployments = Scenario.countByTitle(s.slackDeployments(id));
        List<String> pages = actions(s.pagerDuty(id));
        await("no re-send after the leases ended").during(Duration.ofSeconds(15)).atMost(Duration.ofSeconds(25))
                .until(() -> Scenario.countByTitle(s.slackAlerts(id)).equals(alerts)
                        && Scenario.countByTitle(s.slackDeployments(id)).equals(deployments)
                        && actions(s.pagerDuty(id)).equals(pages));
        s.log("delivered %d ms after the restart: Slack #alerts %s, #deployments %s, PagerDuty %s", delivered, alerts,
                deployments, pages);

        assertThat(alerts).as("Slack #alerts, each notification once").containsOnly(Map.entry("Rollback started", 1L),
                Map.entry("Rolled back", 1L));
        assertThat(deployments.values()).as("Slack #deployments, each notification once: " + deployments)
                .allMatch(n -> n == 1L);
        assertThat(pages).as("PagerDuty events for dedup key avalo/%s/%s/%s", service, AvaloSystem.ENV, id)
                .containsExactlyInAnyOrder("trigger", "resolve");
        assertThat(s.pagerDuty(id)).allSatisfy(p -> assertThat(p.path("dedup_key").asText())
                .isEqualTo("avalo/" + service + "/" + AvaloSystem.ENV + "/" + id));
    }

    /** "channel kind" of the notifier's undelivered rows of deployment {@code id}. */
    private static List<String> queued(Scenario s, String id) {
        List<String> out = new java.util.ArrayList<>();
        for (JsonNode d : s.system.notifier.get("viewer", "/api/v1/deliveries?limit=500").expect(200).json()) {
            if (d.toString().contains(id) && !d.path("status").asText().equalsIgnoreCase("delivered")) {
                out.add(d.path("channel").asText() + " " + d.path("kind").asText());
            }
        }
        return out;
    }

    private static List<String> actions(List<JsonNode> pages) {
        return pages.stream().map(p -> p.path("event_action").asText()).sorted().toList();
    }
}
