package dev.avalo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Scenario 2. Given a healthy canary whose app pushes the business metrics the later stages' gates need, when it takes real
 * traffic through the router, then the health-scorer's PROCEED verdicts (every gate of each stage PASS) carry it through every
 * stage of the compressed production plan to 100 % and SUCCEEDED, with each stage entered once and the router acking each
 * weight.
 */
@Order(2)
@ExtendWith(E2eExtension.class)
class GoodReleasePromotedIT {

    @Test
    void aHealthyCanaryIsPromotedToFullTraffic(Scenario s) {
        Strategies.promote(s);
        String service = s.serviceName("shop-good");
        AvaloSystem.SampleApp stable = s.revisionApp(service, service + "-v1");
        AvaloSystem.SampleApp canary = s.revisionApp(service, service + "-v2");
        s.register(service, service + "-v1", stable.url());
        List<JsonNode> acks = s.routerAcks(service);
        List<JsonNode> reports = s.subscribe("avalo.evt.health." + service + "." + AvaloSystem.ENV);
        Load load = s.load(service, 250, 8);

        Instant t0 = Instant.now();
        String id = s.start(service, service + "-v2", canary.url(), Strategies.PROMOTE);
        JsonNode done;
        try {
            done = s.awaitState(id, Duration.ofSeconds(240), "SUCCEEDED");
        } finally {
            s.log("%s; timeline:%s", load, s.timeline(id));
            synchronized (reports) {
                reports.stream().filter(r -> !List.of("PROCEED", "CONTINUE").contains(r.path("verdict").asText()))
                        .forEach(r -> s.log("report %s %s score %s reasons %s failed gates %s", r.path("at").asText(),
                                r.path("verdict").asText(), r.path("score").asText(), r.path("reasons"),
                                java.util.stream.StreamSupport.stream(r.path("gates").spliterator(), false)
                                        .filter(g -> g.path("status").asText().equals("FAIL")).toList()));
            }
        }
        s.log("SUCCEEDED after %s", Duration.between(t0, Instant.now()));

        List<JsonNode> events = s.events(id);
        List<Integer> entered = events.stream().filter(e -> e.path("type").asText().equals("stage.entered"))
                .map(e -> e.path("stageIndex").asInt()).toList();
        assertThat(entered).as("each stage entered once, in order").containsExactly(0, 1, 2, 3, 4);
        assertThat(events.stream().map(e -> e.path("type").asText())).doesNotContain("rollback.started", "paused",
                "approval.required");
        // promotions were the health-scorer's, not a person's
        assertThat(events.stream().filter(e -> e.path("type").asText().equals("stage.passed"))
                .map(e -> e.path("actor").asText())).allSatisfy(actor -> assertThat(actor).doesNotStartWith("e2e-"));

        // the router took every weight and ended on the new revision alone
        JsonNode route = s.route(service);
        s.log("final route %s", route);
        assertThat(route.path("stable").path("revision").asText() + "/" + route.path("canaryWeightBasisPoints").asInt()
                + "/" + route.path("canary").path("revision").asText())
                .satisfiesAnyOf(r -> assertThat(r).startsWith(service + "-v2/0/"),
                        r -> assertThat(r).isEqualTo(service + "-v1/10000/" + service + "-v2"));
        assertThat(acks).as("router acks").hasSizeGreaterThanOrEqualTo(5);
        assertThat(load.counts(service + "-v2").errors.sum()).isZero();
        assertThat(load.failures()).isZero();
        assertThat(done.path("health").path("verdict").asText()).isNotEqualTo("ROLLBACK");
        assertThat(s.slackDeployments(id)).as("#deployments heard of the success")
                .anySatisfy(m -> assertThat(m.path("text").asText()).containsIgnoringCase("succeeded"));
    }
}
