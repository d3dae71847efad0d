package dev.avalo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Scenario 5. Given a live canary, when it is rolled back and the notifier is killed with SIGKILL as the first rollback
 * notification reaches Slack, then after a restart every notification of that deployment reaches Slack and PagerDuty exactly
 * once (nothing lost from the stream, nothing re-sent from the delivery log once the killed notifier's leases end).
 */
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

        s.system.orchestrator.post("deployer", "/api/v1/deployments/" + id + "/rollback",
                Map.of("mode", "immediate", "reason", "e2e: notifier crash scenario")).expect(200);
        await("the first rollback notification").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> !s.slackAlerts(id).isEmpty() || !s.pagerDuty(id).isEmpty());
        s.system.service("notifier").kill9();
        s.log("notifier killed with Slack #alerts %s and PagerDuty %s seen", Scenario.countByTitle(s.slackAlerts(id)),
                actions(s.pagerDuty(id)));
        s.awaitState(id, Duration.ofSeconds(30), "ROLLED_BACK");

        long t0 = System.nanoTime();
        s.system.restart("notifier", s.name);
        s.log("notifier restarted in %d ms", (System.nanoTime() - t0) / 1_000_000);

        await("every rollback notification delivered").atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            assertThat(Scenario.countByTitle(s.slackAlerts(id))).containsKeys("Rollback started", "Rolled back");
            assertThat(actions(s.pagerDuty(id))).contains("trigger", "resolve");
        });
        // then nothing more for a while past the killed notifier's leases (10 s): no late re-send
        Map<String, Long> alerts = Scenario.countByTitle(s.slackAlerts(id));
        Map<String, Long> deployments = Scenario.countByTitle(s.slackDeployments(id));
        List<String> pages = actions(s.pagerDuty(id));
        await("no re-send after the leases ended").during(Duration.ofSeconds(15)).atMost(Duration.ofSeconds(25))
                .until(() -> Scenario.countByTitle(s.slackAlerts(id)).equals(alerts)
                        && Scenario.countByTitle(s.slackDeployments(id)).equals(deployments)
                        && actions(s.pagerDuty(id)).equals(pages));
        s.log("delivered: Slack #alerts %s, #deployments %s, PagerDuty %s", alerts, deployments, pages);

        assertThat(alerts).as("Slack #alerts, each notification once").containsOnly(Map.entry("Rollback started", 1L),
                Map.entry("Rolled back", 1L));
        assertThat(deployments.values()).as("Slack #deployments, each notification once: " + deployments)
                .allMatch(n -> n == 1L);
        assertThat(pages).as("PagerDuty events for dedup key avalo/%s/%s/%s", service, AvaloSystem.ENV, id)
                .containsExactlyInAnyOrder("trigger", "resolve");
        assertThat(s.pagerDuty(id)).allSatisfy(p -> assertThat(p.path("dedup_key").asText())
                .isEqualTo("avalo/" + service + "/" + AvaloSystem.ENV + "/" + id));
    }

    private static List<String> actions(List<JsonNode> pages) {
        return pages.stream().map(p -> p.path("event_action").asText()).sorted().toList();
    }
}
