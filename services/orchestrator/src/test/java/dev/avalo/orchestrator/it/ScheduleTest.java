package dev.avalo.orchestrator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;

import dev.avalo.contracts.schedule.ActiveFreeze;
import dev.avalo.contracts.schedule.ScheduleCheckReply;
import dev.avalo.contracts.schedule.ScheduleVerdict;

/** The scheduler is asked before starting and before each production promotion; blocked, unavailable, emergency. */
@QuarkusTest
class ScheduleTest extends OrchestratorTestBase {

    @Inject
    MeterRegistry registry;

    @AfterEach
    void reset() throws Exception {
        allowAll();
        schedulerListening(true); // a no-op if subscribed
    }

    @Test
    void blockedStartIs423WithTheReasonsAndCreatesNothing() {
        String service = unique("bf-api");
        registerService(service, "production", service + "-v1");
        SCHEDULER.set(req -> new ScheduleCheckReply(false, ScheduleVerdict.BLOCKED,
                List.of("freeze: Black Friday / Cyber Monday"),
                List.of(new ActiveFreeze("bf-2026", "Black Friday / Cyber Monday", "business-event",
                        Instant.parse("2026-11-27T08:00:00Z"), Instant.parse("2026-12-01T08:00:00Z"))),
                Instant.parse("2026-12-01T08:00:00Z")));
        post("deployer", "/api/v1/deployments", startBody(service, "production", service + "-v2")).then()
                .statusCode(423).contentType("application/problem+json")
                .body("details.reasons", hasItem("freeze: Black Friday / Cyber Monday"))
                .body("details.nextAllowedAt", equalTo("2026-12-01T08:00:00Z"));
        get("viewer", "/api/v1/deployments?service=" + service).then().statusCode(200).body("size()", equalTo(0));
        assertThat(awaitRoute(service, "production", 0, 1).generation()).isEqualTo(1);
    }

    @Test
    void unavailableSchedulerBlocksProductionButNotDevelopment() {
        String service = unique("quiet-api");
        registerService(service, "production", service + "-v1");
        registerService(service, "development", service + "-v1");
        SCHEDULER.set(req -> null);
        double production = checks("production", "unavailable");
        double development = checks("development", "unavailable");
        post("deployer", "/api/v1/deployments", startBody(service, "production", service + "-v2")).then()
                .statusCode(423).body("details.reasons", hasItem("scheduler unavailable (no answer within 3000 ms)"));
        post("deployer", "/api/v1/deployments", startBody(service, "development", service + "-v2")).then()
                .statusCode(201).body("stage.weightBasisPoints", equalTo(10000));
        get("viewer", "/api/v1/dashboard/schedule/" + service + "/development").then().statusCode(200)
                .body("allowed", equalTo(true)).body("reasons[0]", equalTo("scheduler unavailable (no answer within"
                        + " 3000 ms); development is allowed without it"));
        assertThat(checks("production", "unavailable")).isEqualTo(production + 1);
        assertThat(checks("development", "unavailable")).isEqualTo(development + 2);
    }

    @Test
    void noSchedulerListeningIsAskedAgainUntilTheTimeoutThenBlocks() throws Exception {
        String service = unique("gone-api");
        registerService(service, "production", service + "-v1");
        schedulerListening(false);
        double retries = retries();
        String reason = post("deployer", "/api/v1/deployments", startBody(service, "production", service + "-v2")).then()
                .statusCode(423).extract().path("details.reasons[0]");
        Matcher m = Pattern.compile("scheduler unavailable \\(no scheduler listening on "
                + Pattern.quote(subjects.scheduleCheck()) + " \\(asked (\\d+) times in (\\d+) ms\\)\\)").matcher(reason);
        assertThat(m.matches()).as(reason).isTrue();
        // asked every 100 ms for the 3 s timeout: more than a few times, never as fast as it can
        assertThat(Integer.parseInt(m.group(1))).isBetween(5, 40);
        assertThat(Integer.parseInt(m.group(2))).isBetween(2700, 3100);
        assertThat(retries()).isGreaterThanOrEqualTo(retries + Integer.parseInt(m.group(1)) - 1);
        get("viewer", "/api/v1/deployments?service=" + service).then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void aSchedulerThatComesBackWithinTheTimeoutIsAskedAgainAndAnswers() throws Exception {
        String service = unique("back-api");
        registerService(service, "production", service + "-v1");
        schedulerListening(false);
        double retries = retries();
        CompletableFuture<io.restassured.response.Response> start = CompletableFuture
                .supplyAsync(() -> post("deployer", "/api/v1/deployments", startBody(service, "production",
                        service + "-v2")));
        // the first question found nobody listening; the scheduler is back before the timeout
        await().atMost(WAIT).until(() -> retries() > retries);
        schedulerListening(true);
        start.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).then().statusCode(201);
        assertThat(SCHEDULE_REQUESTS).as("questions the scheduler heard").filteredOn(r -> r.service().equals(service))
                .hasSize(1);
    }

    /** Subscribes or unsubscribes the test scheduler, and waits until the server knows. */
    private static void schedulerListening(boolean listening) throws Exception {
        if (listening) {
            schedulerDispatcher.subscribe(subjects.scheduleCheck());
        } else {
            schedulerDispatcher.unsubscribe(subjects.scheduleCheck());
        }
        nats.connection().flush(Duration.ofSeconds(5));
    }

    private double retries() {
        Counter c = registry.find("avalo.schedule.check.retries").counter(); // registered with the client, on first use
        return c == null ? 0 : c.count();
    }

    private double checks(String environment, String outcome) {
        Counter c = registry.find("avalo.schedule.checks").tag("environment", environment).tag("outcome", outcome)
                .counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aCheckTheSchedulerRefusesBlocksEvenAFailOpenEnvironment() {
        String service = unique("refused-api");
        registerService(service, "development", service + "-v1");
        SCHEDULER_PROBLEM.set(req -> new dev.avalo.contracts.problem.Problem("https://avalo.dev/problems/bad-request",
                "Bad Request", 400, "unknown environment 'development'", "avalo.cmd.schedule.check", "environment", null,
                null));
        post("deployer", "/api/v1/deployments", startBody(service, "development", service + "-v2")).then()
                .statusCode(423).body("details.reasons[0]", containsString("the scheduler refused the check (400"))
                .body("details.reasons[0]", containsString("unknown environment 'development'"));
        get("viewer", "/api/v1/deployments?service=" + service).then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void blockedPromotionPausesAtTheStageBoundary() {
        String service = unique("inc-api");
        String id = startProduction(service);
        awaitRoute(service, "production", 100, 2);
        SCHEDULER.set(req -> new ScheduleCheckReply(false, ScheduleVerdict.BLOCKED, List.of("open incident INC-7"),
                List.of(), null));
        CLOCK.advance(Duration.ofMinutes(15));
        publishHealthy(id, service, "production", service + "-v2");
        awaitState(id, "PAUSED");
        assertThat(route(service, "production").canaryWeightBasisPoints()).isEqualTo(100);
        String reason = get("viewer", "/api/v1/deployments/" + id + "/events").then().extract()
                .path("find { it.kind == 'schedule-blocked' }.reason");
        assertThat(reason).contains("open incident INC-7");
    }

    @Test
    void emergencyStartNeedsTheApproverRoleAndIsPassedToTheScheduler() {
        String service = unique("hotfix-api");
        registerService(service, "production", service + "-v1");
        Map<String, Object> body = startBody(service, "production", service + "-v2");
        body.put("emergency", Map.of("reason", "CVE-2026-1234", "approvedBy", "carol"));
        SCHEDULER.set(req -> req.emergency() != null
                ? new ScheduleCheckReply(true, ScheduleVerdict.OVERRIDDEN, List.of("emergency approved by carol"),
                        List.of(), null)
                : new ScheduleCheckReply(false, ScheduleVerdict.BLOCKED, List.of("weekend"), List.of(), null));
        post("deployer", "/api/v1/deployments", body).then().statusCode(403)
                .body("detail", containsString("approver"));
        String id = post("approver", "/api/v1/deployments", body).then().statusCode(201).extract().path("id");
        assertThat(SCHEDULE_REQUESTS).anyMatch(r -> r.service().equals(service) && r.emergency() != null
                && "carol".equals(r.emergency().approvedBy()));
        // the timeline says it was an emergency, who approved the override and why
        String created = get("viewer", "/api/v1/deployments/" + id + "/events").then().extract()
                .path("find { it.type == 'created' }.reason");
        assertThat(created).contains("as an emergency, override approved by carol: CVE-2026-1234");
    }
}
