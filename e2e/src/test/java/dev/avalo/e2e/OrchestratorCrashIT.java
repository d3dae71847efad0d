package dev.avalo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Scenario 4. Given a healthy canary in the middle of its second stage, when the orchestrator is killed with SIGKILL and
 * started again on the same database and NATS, then the deployment resumes and completes (SUCCEEDED), with every stage entered
 * and passed exactly once; the router keeps serving the stage's split meanwhile.
 */
@Order(6)
@ExtendWith(E2eExtension.class)
class OrchestratorCrashIT {

    @Test
    void killedMidStageTheDeploymentResumesAndCompletes(Scenario s) {
        Strategies.short_(s);
        String service = s.serviceName("shop-crash");
        AvaloSystem.SampleApp stable = s.revisionApp(service, service + "-v1");
        AvaloSystem.SampleApp canary = s.revisionApp(service, service + "-v2");
        s.register(service, service + "-v1", stable.url());
        Load load = s.load(service, 200, 8);
        String id = s.start(service, service + "-v2", canary.url(), Strategies.SHORT);

        await("stage 2 (50 %)").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .until(() -> s.stageIndex(id) >= 1);
        JsonNode mid = s.deployment(id);
        assertThat(mid.path("stage").path("index").asInt()).as("still in stage 2 when killed").isEqualTo(1);
        assertThat(mid.path("state").asText()).isEqualTo("RUNNING");
        s.system.service("orchestrator").kill9();
        s.log("orchestrator killed in stage 2 (entered %s)", mid.path("stage").path("startedAt").asText());

        // the data plane does not need the orchestrator: the 50 % split keeps serving
        long canaryBefore = load.counts(service + "-v2").requests.sum();
        long failuresBefore = load.failures();
        await("traffic on both revisions while the orchestrator is down").atMost(Duration.ofSeconds(20))
                .until(() -> load.counts(service + "-v2").requests.sum() > canaryBefore + 200);
        assertThat(s.routerWeight(service)).isEqualTo(5000);

        long t0 = System.nanoTime();
        s.system.restart("orchestrator", s.name);
        s.log("orchestrator restarted in %d ms", (System.nanoTime() - t0) / 1_000_000);

        JsonNode done;
        try {
            done = s.awaitState(id, Duration.ofSeconds(150), "SUCCEEDED");
        } finally {
            s.log("%s; timeline:%s", load, s.timeline(id));
        }
        List<JsonNode> events = s.events(id);
        Map<String, Long> byType = new TreeMap<>();
        events.forEach(e -> byType.merge(e.path("type").asText(), 1L, Long::sum));
        List<Integer> entered = events.stream().filter(e -> e.path("type").asText().equals("stage.entered"))
                .map(e -> e.path("stageIndex").asInt()).toList();
        assertThat(entered).as("each stage entered exactly once").containsExactly(0, 1, 2);
        assertThat(byType).as("no transition doubled").containsEntry("created", 1L).containsEntry("stage.passed", 3L)
                .containsEntry("succeeded", 1L).doesNotContainKeys("rollback.started", "paused");
        assertThat(done.path("stage").path("index").asInt()).isEqualTo(2);
        assertThat(load.failures()).as("transport failures through the router").isEqualTo(failuresBefore);
        assertThat(load.counts(service + "-v2").errors.sum()).isZero();
    }
}
