package dev.avalo.scheduler.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import io.cloudevents.CloudEvent;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.impl.Headers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import dev.avalo.contracts.CloudEvents;
import dev.avalo.contracts.Json;
import dev.avalo.contracts.Subjects;
import dev.avalo.contracts.incident.IncidentEventData;
import dev.avalo.contracts.problem.Problem;
import dev.avalo.contracts.schedule.Emergency;
import dev.avalo.contracts.schedule.FreezeEventData;
import dev.avalo.contracts.schedule.ScheduleCheckReply;
import dev.avalo.contracts.schedule.ScheduleCheckRequest;
import dev.avalo.contracts.schedule.ScheduleVerdict;
import dev.avalo.scheduler.audit.AuditStore;
import dev.avalo.scheduler.check.ScheduleEvaluator;
import dev.avalo.scheduler.check.ScheduleService;
import dev.avalo.scheduler.db.Jdbc;
import dev.avalo.scheduler.freeze.AnnouncementStore;
import dev.avalo.scheduler.freeze.FreezeCalendar;
import dev.avalo.scheduler.freeze.FreezeStore;
import dev.avalo.scheduler.freeze.FreezeWatcher;
import dev.avalo.scheduler.incident.IncidentStore;
import dev.avalo.scheduler.override.OverrideStore;
import dev.avalo.scheduler.window.EnvironmentPolicy;
import dev.avalo.scheduler.window.Policies;
import dev.avalo.testing.JwtTestResource;
import dev.avalo.testing.MutableClock;
import dev.avalo.testing.NatsProbe;
import dev.avalo.testing.NatsTestResource;
import dev.avalo.testing.PostgresTestResource;
import dev.avalo.testing.TestTokens;

import net.fortuna.ical4j.data.CalendarBuilder;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.Property;
import net.fortuna.ical4j.model.component.VEvent;

/**
 * The scheduler against the real local PostgreSQL (its own database) and NATS (its own subject prefix and stream), with a
 * stepped clock: checks over NATS exactly as the orchestrator's ScheduleClient asks, the same answer over REST, freezes,
 * incidents over REST and over NATS events, freeze events, audited emergency overrides, the iCalendar feed, bad input and
 * roles, and state that outlives the process.
 */
@QuarkusTest
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = NatsTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtTestResource.class, restrictToAnnotatedClass = false)
class SchedulerTest {

    static final ZoneId PACIFIC = ZoneId.of("America/Los_Angeles");
    static final MutableClock CLOCK = TestClockProducer.CLOCK;
    static final Duration WAIT = Duration.ofSeconds(20);

    static NatsProbe nats;
    static Subjects subjects;
    static NatsProbe.Recorder freezeEvents;

    @Inject
    FreezeWatcher watcher;

    @BeforeAll
    static void connect() {
        nats = NatsProbe.connect(NatsTestResource.url());
        subjects = Subjects.withPrefix(NatsTestResource.prefix());
        freezeEvents = nats.record(subjects.scheduleEvents());
    }

    @AfterAll
    static void close() {
        nats.close();
    }

    static Instant pt(String local) {
        return LocalDateTime.parse(local).atZone(PACIFIC).toInstant();
    }

    static String unique(String base) {
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static RequestSpecification as(String role) {
        return given().auth().oauth2(TestTokens.token(role, role + "-user"));
    }

    /** Asks as the orchestrator's ScheduleClient does: a core request with the JSON request, the reply decoded. */
    static ScheduleCheckReply askOverNats(ScheduleCheckRequest request, Headers headers) {
        Message reply = nats.request(subjects.scheduleCheck(), headers, Json.encode(request), Duration.ofSeconds(10));
        return Json.decode(reply.getData(), ScheduleCheckReply.class);
    }

    static Message rawOverNats(ScheduleCheckRequest request, Headers headers) {
        return nats.request(subjects.scheduleCheck(), headers, Json.encode(request), Duration.ofSeconds(10));
    }

    List<FreezeEventData> freezeEvents(String type, String freezeId) {
        return freezeEvents.messages().stream().filter(m -> m.getSubject().endsWith(type)).map(m -> {
            CloudEvent e = CloudEvents.decode(m.getData());
            assertThat(e.getType()).isEqualTo("avalo.schedule." + type);
            return CloudEvents.data(e, FreezeEventData.class);
        }).filter(d -> d.freeze().id().equals(freezeId)).toList();
    }

    @Test
    void doneMeans_blackFridayBlockedTuesdayPreferred_andTheOrchestratorWouldAnswer423() {
        String service = unique("chat-api");
        CLOCK.set(pt("2026-11-27T11:00"));
        // the orchestrator sends at = its clock's now
        ScheduleCheckReply friday = askOverNats(new ScheduleCheckRequest(service, "production", CLOCK.instant(), null),
                null);
        assertThat(friday.allowed()).isFalse();
        assertThat(friday.verdict()).isEqualTo(ScheduleVerdict.BLOCKED);
        assertThat(friday.reasons()).anyMatch(r -> r.contains("freeze: Black Friday / Cyber Monday"))
                .anyMatch(r -> r.contains("avoids Fridays"));
        assertThat(friday.activeFreezes()).extracting(f -> f.id()).contains("bfcm-2026");
        assertThat(friday.nextAllowedAt()).isEqualTo(Instant.parse("2026-12-01T15:00:00Z"));
        // the orchestrator's DeploymentStarter turns !allowed into 423 Locked with these reasons and nextAllowedAt
        assertThat(OrchestratorGate.statusFor(friday)).isEqualTo(423);

        CLOCK.set(pt("2026-12-01T11:00"));
        ScheduleCheckReply tuesday = askOverNats(new ScheduleCheckRequest(service, "production", CLOCK.instant(), null),
                null);
        assertThat(tuesday.allowed()).isTrue();
        assertThat(tuesday.verdict()).isEqualTo(ScheduleVerdict.PREFERRED);
        assertThat(tuesday.nextAllowedAt()).isEqualTo(CLOCK.instant());
        assertThat(OrchestratorGate.statusFor(tuesday)).isEqualTo(201);
    }

    @Test
    void restGivesTheSameAnswerAsNats() {
        String service = unique("feed-api");
        Instant at = pt("2026-11-27T11:00");
        ScheduleCheckReply overNats = askOverNats(new ScheduleCheckRequest(service, "production", at, null), null);
        String body = as("viewer").queryParam("service", service).queryParam("environment", "production")
                .queryParam("at", "2026-11-27T11:00").get("/api/v1/schedule/check").then().statusCode(200)
                .extract().asString();
        assertThat(Json.decode(body.getBytes(StandardCharsets.UTF_8), ScheduleCheckReply.class)).isEqualTo(overNats);
        as("viewer").queryParam("service", service).queryParam("environment", "staging")
                .queryParam("at", "2026-11-27T11:00:00-08:00").get("/api/v1/schedule/check").then().statusCode(200)
                .body("verdict", equalTo("ALLOWED")).body("allowed", equalTo(true));
    }

    @Test
    void badInputIsAProblemNamingTheFieldAndStoresNothing() {
        as("viewer").queryParam("service", "a").queryParam("environment", "qa").get("/api/v1/schedule/check").then()
                .statusCode(400).contentType("application/problem+json").body("field", equalTo("environment"))
                .body("detail", containsString("unknown environment 'qa'"));
        as("viewer").queryParam("service", "a").queryParam("environment", "production").queryParam("at", "27/11/2026")
                .get("/api/v1/schedule/check").then().statusCode(400).body("field", equalTo("at"));
        as("viewer").queryParam("service", "a").queryParam("environment", "production").queryParam("at", "2026-11-27T11:00")
                .queryParam("timeZone", "Mars/Olympus").get("/api/v1/schedule/check").then().statusCode(400)
                .body("field", equalTo("timeZone"));
        as("viewer").queryParam("service", "Bad_Name").queryParam("environment", "production")
                .get("/api/v1/schedule/check").then().statusCode(400).body("field", equalTo("service"));

        int auditBefore = as("viewer").get("/api/v1/audit?limit=1000").then().statusCode(200).extract().path("size()");
        String name = unique("bad-freeze");
        as("admin").contentType(ContentType.JSON).body(Map.of("name", name, "startsAt", "2027-02-10T10:00",
                "endsAt", "2027-02-10T09:00")).post("/api/v1/freezes").then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("endsAt"));
        as("admin").contentType(ContentType.JSON).body(Map.of("name", name, "startsAt", "tomorrow",
                "endsAt", "2027-02-10T09:00")).post("/api/v1/freezes").then().statusCode(400)
                .body("field", equalTo("startsAt"));
        as("admin").contentType(ContentType.JSON).body(Map.of("name", name, "startsAt", "2027-02-10T08:00",
                "endsAt", "2027-02-10T09:00", "timeZone", "Pacific/Nowhere")).post("/api/v1/freezes").then()
                .statusCode(400).body("field", equalTo("timeZone"));
        as("admin").contentType(ContentType.JSON).body(Map.of("name", name, "startsAt", "2027-02-10T08:00",
                "endsAt", "2027-02-10T09:00", "environments", List.of("qa"))).post("/api/v1/freezes").then()
                .statusCode(400).body("field", equalTo("environments[0]"));
        as("admin").contentType(ContentType.JSON).body("{\"name\": \"x\", \"startsAt\": [1,2]}").post("/api/v1/freezes")
                .then().statusCode(400).contentType("application/problem+json").body("field", equalTo("startsAt"));
        as("viewer").queryParam("from", "2027-02-01").queryParam("to", "2027-03-01").get("/api/v1/freezes").then()
                .statusCode(200).body("name", org.hamcrest.Matchers.not(hasItem(name)));
        int auditAfter = as("viewer").get("/api/v1/audit?limit=1000").then().statusCode(200).extract().path("size()");
        assertThat(auditAfter).isEqualTo(auditBefore);

        // over NATS: a problem with the status header, never a 500
        Message reply = rawOverNats(new ScheduleCheckRequest("a", "qa", null, null), null);
        assertThat(reply.getHeaders().getFirst("Avalo-Status")).isEqualTo("400");
        Problem p = Json.decode(reply.getData(), Problem.class);
        assertThat(p.field()).isEqualTo("environment");
    }

    @Test
    void everyPathNeedsItsRole() {
        given().get("/api/v1/schedule/check?service=a&environment=production").then().statusCode(401)
                .contentType("application/problem+json");
        given().get("/api/v1/calendar.ics").then().statusCode(401);
        Map<String, Object> freeze = Map.of("name", "x", "startsAt", "2027-02-10T08:00", "endsAt", "2027-02-10T09:00");
        as("deployer").contentType(ContentType.JSON).body(freeze).post("/api/v1/freezes").then().statusCode(403);
        as("approver").delete("/api/v1/freezes/whatever").then().statusCode(403);
        as("viewer").contentType(ContentType.JSON).body(Map.of("title", "x")).post("/api/v1/incidents").then()
                .statusCode(403);
        as("viewer").post("/api/v1/incidents/INC-1/resolve").then().statusCode(403);
        given().auth().oauth2(TestTokens.expiredToken("admin")).contentType(ContentType.JSON).body(freeze)
                .post("/api/v1/freezes").then().statusCode(401);
        as("admin").delete("/api/v1/freezes/bfcm-2026").then().statusCode(409);
        as("admin").delete("/api/v1/freezes/" + UUID.randomUUID()).then().statusCode(404).body("field", equalTo("id"));
    }

    @Test
    void adHocFreezeBlocksPublishesStartAndEndAndIsAudited() {
        String service = unique("promo-api");
        CLOCK.set(pt("2027-02-08T09:00"));
        String id = as("admin").contentType(ContentType.JSON).body(Map.of("name", "Super Bowl traffic", "reason",
                "high-traffic event", "startsAt", "2027-02-09T00:00", "endsAt", "2027-02-11T12:00",
                "services", List.of(service))).post("/api/v1/freezes").then().statusCode(201)
                .body("kind", equalTo("ad-hoc")).body("declaredBy", equalTo("admin-user"))
                .body("startsAt", equalTo("2027-02-09T08:00:00Z")).extract().path("id");

        as("viewer").queryParam("service", service).queryParam("environment", "production")
                .queryParam("at", "2027-02-10T11:00").get("/api/v1/schedule/check").then().statusCode(200)
                .body("verdict", equalTo("BLOCKED")).body("activeFreezes.id", hasItem(id))
                .body("nextAllowedAt", equalTo("2027-02-11T20:00:00Z"));
        // another service is not frozen by it
        as("viewer").queryParam("service", unique("other")).queryParam("environment", "production")
                .queryParam("at", "2027-02-10T11:00").get("/api/v1/schedule/check").then()
                .body("verdict", equalTo("PREFERRED"));

        assertThat(freezeEvents("freeze.started", id)).isEmpty();
        CLOCK.set(pt("2027-02-09T00:00"));
        watcher.tick();
        await().atMost(WAIT).until(() -> freezeEvents("freeze.started", id).size() == 1);
        FreezeEventData started = freezeEvents("freeze.started", id).get(0);
        assertThat(started.declaredBy()).isEqualTo("admin-user");
        assertThat(started.freeze().name()).isEqualTo("Super Bowl traffic");
        watcher.tick();
        CLOCK.set(pt("2027-02-11T12:00"));
        watcher.tick();
        await().atMost(WAIT).until(() -> freezeEvents("freeze.ended", id).size() == 1);
        watcher.tick();
        assertThat(freezeEvents("freeze.started", id)).hasSize(1);
        assertThat(freezeEvents("freeze.ended", id)).hasSize(1);

        as("admin").delete("/api/v1/freezes/" + id).then().statusCode(204);
        as("admin").delete("/api/v1/freezes/" + id).then().statusCode(404);
        List<Map<String, Object>> audit = as("viewer").get("/api/v1/audit").then().statusCode(200).extract()
                .path("findAll { it.target == '" + id + "' }");
        assertThat(audit).extracting(a -> a.get("action") + " by " + a.get("actor"))
                .containsExactly("freeze.deleted by admin-user", "freeze.created by admin-user");
    }

    @Test
    void deletingAnActiveFreezeEndsItAtOnce() {
        String service = unique("flash-api");
        CLOCK.set(pt("2027-03-03T11:00"));
        String id = as("admin").contentType(ContentType.JSON).body(Map.of("name", "Flash sale",
                "startsAt", "2027-03-03T10:00", "endsAt", "2027-03-04T10:00", "services", List.of(service)))
                .post("/api/v1/freezes").then().statusCode(201).extract().path("id");
        await().atMost(WAIT).until(() -> freezeEvents("freeze.started", id).size() == 1);
        as("viewer").queryParam("service", service).queryParam("environment", "production")
                .get("/api/v1/schedule/check").then().body("verdict", equalTo("BLOCKED"));
        as("admin").delete("/api/v1/freezes/" + id).then().statusCode(204);
        await().atMost(WAIT).until(() -> freezeEvents("freeze.ended", id).size() == 1);
        assertThat(freezeEvents("freeze.ended", id).get(0).freeze().endsAt()).isEqualTo(CLOCK.instant());
        as("viewer").queryParam("service", service).queryParam("environment", "production")
                .get("/api/v1/schedule/check").then().body("verdict", equalTo("PREFERRED"));
    }

    @Test
    void incidentFreezeOpenedAndResolvedOverNats() throws Exception {
        String service = unique("pay-api");
        String incident = unique("INC");
        CLOCK.set(pt("2027-03-10T10:30"));
        ScheduleCheckRequest ask = new ScheduleCheckRequest(service, "production", null, null);
        assertThat(askOverNats(ask, null).verdict()).isEqualTo(ScheduleVerdict.PREFERRED);

        Instant opened = CLOCK.instant();
        publishIncident("opened", new IncidentEventData(incident, "payments failing", "sev1", List.of(service),
                "pagerduty-bridge", opened, null));
        await().atMost(WAIT).until(() -> askOverNats(ask, null).verdict() == ScheduleVerdict.BLOCKED);
        ScheduleCheckReply blocked = askOverNats(ask, null);
        assertThat(blocked.allowed()).isFalse();
        assertThat(blocked.activeFreezes()).extracting(f -> f.id()).containsExactly("incident-" + incident);
        assertThat(blocked.reasons()).anyMatch(r -> r.contains("incident " + incident + ": payments failing"));
        assertThat(blocked.nextAllowedAt()).isNull();
        await().atMost(WAIT).until(() -> freezeEvents("freeze.started", "incident-" + incident).size() == 1);
        // the same event again changes nothing
        publishIncident("opened", new IncidentEventData(incident, "payments failing", "sev1", List.of(service),
                "pagerduty-bridge", opened, null));

        CLOCK.advance(Duration.ofMinutes(40));
        publishIncident("resolved", new IncidentEventData(incident, "payments failing", "sev1", List.of(service),
                "pagerduty-bridge", opened, CLOCK.instant()));
        await().atMost(WAIT).until(() -> askOverNats(ask, null).verdict() == ScheduleVerdict.PREFERRED);
        await().atMost(WAIT).until(() -> freezeEvents("freeze.ended", "incident-" + incident).size() == 1);
        assertThat(freezeEvents("freeze.started", "incident-" + incident)).hasSize(1);
        as("viewer").get("/api/v1/incidents/" + incident).then().statusCode(200)
                .body("resolvedAt", equalTo(CLOCK.instant().toString()));
        // a check for the time it was open still sees it
        assertThat(askOverNats(new ScheduleCheckRequest(service, "production", opened.plusSeconds(60), null), null)
                .verdict()).isEqualTo(ScheduleVerdict.BLOCKED);
    }

    @Test
    void incidentOverRestFreezesEveryServiceAndIsPublished() {
        String incident = unique("INC");
        NatsProbe.Recorder incidents = nats.recordStream(NatsTestResource.eventsStream(), subjects.incidentEvents());
        CLOCK.set(pt("2027-03-17T11:00"));
        as("deployer").contentType(ContentType.JSON).body(Map.of("id", incident, "title", "checkout latency",
                "severity", "sev2")).post("/api/v1/incidents").then().statusCode(201).body("openedBy",
                        equalTo("deployer-user"));
        as("deployer").contentType(ContentType.JSON).body(Map.of("id", incident, "title", "again"))
                .post("/api/v1/incidents").then().statusCode(409);
        as("viewer").queryParam("service", unique("any")).queryParam("environment", "production")
                .get("/api/v1/schedule/check").then().body("verdict", equalTo("BLOCKED"))
                .body("activeFreezes.id", hasItem("incident-" + incident));
        // staging does not take incident freezes unless configured
        as("viewer").queryParam("service", unique("any")).queryParam("environment", "staging")
                .get("/api/v1/schedule/check").then().body("verdict", equalTo("ALLOWED"));
        as("deployer").post("/api/v1/incidents/" + incident + "/resolve").then().statusCode(200)
                .body("resolvedBy", equalTo("deployer-user"));
        as("deployer").post("/api/v1/incidents/" + incident + "/resolve").then().statusCode(409);
        as("viewer").queryParam("service", unique("any")).queryParam("environment", "production")
                .get("/api/v1/schedule/check").then().body("verdict", equalTo("PREFERRED"));
        await().atMost(WAIT).until(() -> incidents.messages().stream()
                .filter(m -> CloudEvents.data(CloudEvents.decode(m.getData()), IncidentEventData.class).id()
                        .equals(incident))
                .map(Message::getSubject).toList()
                .equals(List.of(subjects.incidentEvent("opened"), subjects.incidentEvent("resolved"))));
        incidents.close();
    }

    @Test
    void emergencyOverrideNeedsApproverAndIsAudited() {
        String service = unique("hotfix-api");
        CLOCK.set(pt("2026-12-05T13:00")); // a Saturday
        Emergency emergency = new Emergency("CVE-2026-1234 hotfix", "carol");
        Map<String, Object> body = Map.of("service", service, "environment", "production", "emergency",
                Map.of("reason", "CVE-2026-1234 hotfix", "approvedBy", "carol"));
        as("deployer").contentType(ContentType.JSON).body(body).post("/api/v1/schedule/check").then().statusCode(403)
                .body("detail", containsString("approver"));
        as("approver").contentType(ContentType.JSON).body(Map.of("service", service, "environment", "production",
                "emergency", Map.of("approvedBy", "carol"))).post("/api/v1/schedule/check").then().statusCode(400)
                .body("field", equalTo("emergency.reason"));
        as("approver").contentType(ContentType.JSON).body(body).post("/api/v1/schedule/check").then().statusCode(200)
                .body("verdict", equalTo("OVERRIDDEN")).body("allowed", equalTo(true))
                .body("reasons[0]", containsString("emergency override approved by carol (asked by approver-user via rest)"))
                .body("reasons", hasItem(containsString("avoids Saturdays")))
                .body("nextAllowedAt", equalTo(pt("2026-12-07T07:00").toString()));

        // over NATS as the orchestrator forwards it (no token: it already required approver) ...
        ScheduleCheckReply forwarded = askOverNats(new ScheduleCheckRequest(service, "production", null, emergency),
                null);
        assertThat(forwarded.verdict()).isEqualTo(ScheduleVerdict.OVERRIDDEN);
        assertThat(OrchestratorGate.statusFor(forwarded)).isEqualTo(201);
        // ... and with a token, which must hold approver
        Message refused = rawOverNats(new ScheduleCheckRequest(service, "production", null, emergency),
                new Headers().put("Authorization", "Bearer " + TestTokens.token("deployer", "dave")));
        assertThat(refused.getHeaders().getFirst("Avalo-Status")).isEqualTo("403");
        ScheduleCheckReply withToken = askOverNats(new ScheduleCheckRequest(service, "production", null, emergency),
                new Headers().put("Authorization", "Bearer " + TestTokens.token("approver", "erin")));
        assertThat(withToken.verdict()).isEqualTo(ScheduleVerdict.OVERRIDDEN);

        List<Map<String, Object>> overrides = as("viewer").get("/api/v1/overrides").then().statusCode(200).extract()
                .path("findAll { it.service == '" + service + "' }");
        assertThat(overrides).extracting(o -> o.get("actor") + "/" + o.get("channel") + "/" + o.get("approvedBy"))
                .containsExactly("erin/nats-token/carol", "carol/nats-trusted/carol", "approver-user/rest/carol");
        assertThat(overrides).allSatisfy(o -> assertThat((List<?>) o.get("blockedReasons")).isNotEmpty());
        List<Map<String, Object>> audit = as("viewer").get("/api/v1/audit").then().extract()
                .path("findAll { it.target == '" + service + "/production' }");
        assertThat(audit).hasSize(3).allSatisfy(a -> assertThat(a.get("action")).isEqualTo("override"));

        // on a preferred Tuesday nothing is overridden and nothing recorded
        CLOCK.set(pt("2026-12-08T11:00"));
        as("approver").contentType(ContentType.JSON).body(body).post("/api/v1/schedule/check").then()
                .body("verdict", equalTo("PREFERRED")).body("reasons", hasItem(containsString("emergency not needed")));
        assertThat(as("viewer").get("/api/v1/overrides").then().extract()
                .<List<?>>path("findAll { it.service == '" + service + "' }")).hasSize(3);
    }

    @Test
    void calendarFeedParsesBack() throws Exception {
        String ics = as("viewer").queryParam("from", "2026-11-23").queryParam("to", "2026-12-05")
                .queryParam("environment", "production").get("/api/v1/calendar.ics").then().statusCode(200)
                .contentType(containsString("text/calendar")).extract().asString();
        Calendar calendar = new CalendarBuilder().build(new StringReader(ics));
        List<VEvent> events = calendar.getComponents("VEVENT");
        assertThat(events).extracting(e -> e.getProperty("UID").map(Property::getValue).orElseThrow())
                .contains("bfcm-2026@avalo-scheduler", "window-production-2026-12-01@avalo-scheduler")
                .anyMatch(uid -> uid.startsWith("holiday-2026-11-26-thanksgiving"));
        as("viewer").queryParam("from", "2026-12-05").queryParam("to", "2026-11-23").get("/api/v1/calendar.ics").then()
                .statusCode(400).body("field", equalTo("to"));
        as("viewer").queryParam("from", "soon").get("/api/v1/calendar.ics").then().statusCode(400)
                .body("field", equalTo("from"));
    }

    @Test
    void freezesAndIncidentsOutliveTheProcess() {
        String service = unique("keep-api");
        String incident = unique("INC");
        CLOCK.set(pt("2027-04-06T10:00"));
        String freezeId = as("admin").contentType(ContentType.JSON).body(Map.of("name", "Launch day",
                "startsAt", "2027-04-07T00:00", "endsAt", "2027-04-08T00:00", "services", List.of(service)))
                .post("/api/v1/freezes").then().statusCode(201).extract().path("id");
        as("deployer").contentType(ContentType.JSON).body(Map.of("id", incident, "title", "search down",
                "services", List.of(service))).post("/api/v1/incidents").then().statusCode(201);

        // a second process: new stores, evaluator and watcher over the same database, nothing shared in memory
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(PostgresTestResource.jdbcUrl());
        ds.setUser(PostgresTestResource.username());
        ds.setPassword(PostgresTestResource.password());
        Jdbc jdbc = new Jdbc(ds);
        FreezeCalendar calendar = new FreezeCalendar("US", PACIFIC, java.util.Set.of("THANKSGIVING"), true);
        MutableClock clock = MutableClock.of(pt("2027-04-07T11:00"));
        ScheduleService restarted = new ScheduleService(
                new Policies(Map.of("production", EnvironmentPolicy.strategyProduction())),
                new ScheduleEvaluator(calendar), new FreezeStore(jdbc), new IncidentStore(jdbc), new OverrideStore(jdbc),
                new AuditStore(jdbc), jdbc, clock);
        ScheduleCheckReply reply = restarted.check(service, "production", null, null, null);
        assertThat(reply.verdict()).isEqualTo(ScheduleVerdict.BLOCKED);
        assertThat(reply.activeFreezes()).extracting(f -> f.id()).containsExactlyInAnyOrder(freezeId,
                "incident-" + incident);

        // the announcements survive too: at the moment the incident opened (announced by the first process) the restarted
        // watcher publishes nothing; a day later it announces the freeze that started since, once
        List<String> published = new java.util.ArrayList<>();
        FreezeWatcher again = new FreezeWatcher(calendar, new FreezeStore(jdbc), new IncidentStore(jdbc),
                new AnnouncementStore(jdbc), (subject, type, id, s, data) -> published.add(type + " " + id), subjects,
                clock);
        clock.set(pt("2027-04-06T10:00"));
        again.tick();
        assertThat(published).noneMatch(p -> p.contains("incident-" + incident) || p.contains(freezeId));
        clock.set(pt("2027-04-07T11:00"));
        again.tick();
        again.tick();
        assertThat(published).filteredOn(p -> p.contains(freezeId)).containsExactly("avalo.schedule.freeze.started "
                + "freeze-started-" + freezeId);
        assertThat(published).noneMatch(p -> p.contains("incident-" + incident));
    }

    static void publishIncident(String what, IncidentEventData data) throws Exception {
        String id = UUID.randomUUID().toString();
        byte[] body = CloudEvents.encode(id, URI.create("/avalo/incident-bridge"), "avalo.incident." + what, data.id(),
                Instant.now(), data);
        nats.connection().jetStream().publish(subjects.incidentEvent(what), new Headers(), body,
                PublishOptions.builder().messageId(id).build());
    }
}
