package dev.avalo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Scenario 3. Given an ad-hoc production freeze on the scheduler, a production start is refused with 423 and the freeze as the
 * reason; an emergency start by an approver goes through, and the override is audited with its approver and reason.
 */
@Order(3)
@ExtendWith(E2eExtension.class)
class FreezeOverrideIT {

    @Test
    void aFreezeBlocksAndAnApproverOverridesIt(Scenario s) {
        Strategies.canary(s);
        AvaloSystem.SampleApp app = s.sampleApp("freeze-app");
        String service = s.serviceName("shop-freeze");
        s.register(service, service + "-v1", app.url());

        String freezeName = "e2e launch freeze " + service;
        Map<String, Object> freeze = new LinkedHashMap<>();
        freeze.put("name", freezeName);
        freeze.put("reason", "big launch, hands off " + service);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS);
        freeze.put("startsAt", now.minusMinutes(1).toString());
        freeze.put("endsAt", now.plusHours(1).toString());
        freeze.put("environments", List.of(AvaloSystem.ENV));
        freeze.put("services", List.of(service));
        String freezeId = s.system.scheduler.post("admin", "/api/v1/freezes", freeze).expect(201).text("id");

        // a normal start is refused with the freeze as the reason
        Api.Resp refused = s.startRequest("deployer", service, service + "-v2", app.url(), Strategies.CANARY, null);
        s.log("start during the freeze: %d %s", refused.status(), refused.body());
        assertThat(refused.status()).as(refused.body()).isEqualTo(423);
        assertThat(refused.body()).contains(freezeName);
        assertThat(refused.json().path("details").path("verdict").asText()).isEqualTo("BLOCKED");

        // an emergency needs an approver: a deployer's is forbidden
        Map<String, String> emergency = Map.of("reason", "checkout outage hotfix", "approvedBy", "oncall-lead");
        assertThat(s.startRequest("deployer", service, service + "-v2", app.url(), Strategies.CANARY, emergency).status())
                .isEqualTo(403);

        // the approver's emergency start goes through
        Api.Resp allowed = s.startRequest("approver", service, service + "-v2", app.url(), Strategies.CANARY, emergency);
        assertThat(allowed.status()).as(allowed.body()).isEqualTo(201);
        String id = allowed.text("id");
        s.log("emergency start %s; timeline:%s", id, s.timeline(id));
        s.awaitRouterWeight(service, 1000, Duration.ofSeconds(20));

        // audited by the scheduler: the override with actor, approver and reason, and the audit trail's entry
        JsonNode overrides = s.system.scheduler.get("viewer", "/api/v1/overrides").expect(200).json();
        s.log("scheduler overrides: %s", overrides);
        JsonNode override = null;
        for (JsonNode o : overrides) {
            if (o.path("service").asText().equals(service)) {
                override = o;
            }
        }
        assertThat(override).as("the override of " + service + " in " + overrides).isNotNull();
        assertThat(override.path("approvedBy").asText()).isEqualTo("oncall-lead");
        assertThat(override.path("reason").asText()).isEqualTo("checkout outage hotfix");
        assertThat(override.path("environment").asText()).isEqualTo(AvaloSystem.ENV);
        assertThat(override.path("blockedReasons").toString()).contains(freezeName);
        // the orchestrator asks over NATS without a token (trusted caller, scheduler README): the token's name is on the
        // deployment, not on the override
        assertThat(override.path("channel").asText()).isEqualTo("nats-trusted");
        assertThat(s.deployment(id).path("createdBy").asText()).isEqualTo("e2e-approver");
        JsonNode audit = s.system.scheduler.get("viewer", "/api/v1/audit").expect(200).json();
        assertThat(audit.toString()).contains(service).contains("checkout outage hotfix");
        // and the freeze was announced on Slack #alerts
        await("freeze announced on #alerts").atMost(Duration.ofSeconds(30))
                .until(() -> !s.slackAlerts(freezeName).isEmpty());

        // clean up: the deployment ends, the freeze is removed
        s.system.orchestrator.post("deployer", "/api/v1/deployments/" + id + "/rollback",
                Map.of("mode", "immediate", "reason", "e2e: freeze scenario done")).expect(200);
        s.awaitState(id, Duration.ofSeconds(30), "ROLLED_BACK");
        assertThat(s.system.scheduler.delete("admin", "/api/v1/freezes/" + freezeId).status()).isEqualTo(204);
    }
}
