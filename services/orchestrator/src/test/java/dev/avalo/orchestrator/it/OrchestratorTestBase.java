package dev.avalo.orchestrator.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.nats.client.Message;
import io.quarkus.test.common.QuarkusTestResource;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import dev.avalo.contracts.Json;
import dev.avalo.contracts.Subjects;
import dev.avalo.contracts.health.Breach;
import dev.avalo.contracts.health.GateResult;
import dev.avalo.contracts.health.HealthReport;
import dev.avalo.contracts.health.SampleCounts;
import dev.avalo.contracts.health.Verdict;
import dev.avalo.contracts.route.DesiredRoute;
import dev.avalo.contracts.route.RouterApplied;
import dev.avalo.contracts.schedule.ScheduleCheckReply;
import dev.avalo.contracts.schedule.ScheduleCheckRequest;
import dev.avalo.contracts.schedule.ScheduleVerdict;
import dev.avalo.orchestrator.checklist.Checklist;
import dev.avalo.orchestrator.strategy.Gates;
import dev.avalo.orchestrator.timer.DeadlineSweeper;
import dev.avalo.testing.JwtTestResource;
import dev.avalo.testing.MutableClock;
import dev.avalo.testing.NatsProbe;
import dev.avalo.testing.NatsTestResource;
import dev.avalo.testing.PostgresTestResource;
import dev.avalo.testing.TestTokens;

/**
 * Shared fixture: the orchestrator against the real local PostgreSQL (a fresh database) and NATS (a unique subject prefix,
 * stream and bucket), a stepped clock, a test scheduler responder and helpers that read like the scenario.
 */
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = NatsTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtTestResource.class, restrictToAnnotatedClass = false)
public abstract class OrchestratorTestBase {

    protected static final Duration WAIT = Duration.ofSeconds(20);
    protected static final MutableClock CLOCK = TestClockProducer.CLOCK;

    /** What the test scheduler answers; null → no reply (the scheduler is down). */
    protected static final AtomicReference<Function<ScheduleCheckRequest, ScheduleCheckReply>> SCHEDULER = new AtomicReference<>();
    /** When set and not answering null: the test scheduler refuses the check with this problem. */
    protected static final AtomicReference<Function<ScheduleCheckRequest, dev.avalo.contracts.problem.Problem>> SCHEDULER_PROBLEM = new AtomicReference<>();
    protected static final List<ScheduleCheckRequest> SCHEDULE_REQUESTS = java.util.Collections
            .synchronizedList(new ArrayList<>());

    protected static NatsProbe nats;
    protected static Subjects subjects;
    /** The test scheduler's subscriber on {@code avalo.cmd.schedule.check}: unsubscribe it to have no scheduler at all. */
    protected static io.nats.client.Dispatcher schedulerDispatcher;

    @Inject
    protected DeadlineSweeper sweeper;

    @BeforeAll
    static void connect() {
        nats = NatsProbe.connect(NatsTestResource.url());
        subjects = Subjects.withPrefix(NatsTestResource.prefix());
        allowAll();
        io.nats.client.Dispatcher scheduler = nats.connection().createDispatcher(m -> {
            if (m.getReplyTo() == null) {
                return;
            }
            ScheduleCheckRequest req = Json.decode(m.getData(), ScheduleCheckRequest.class);
            SCHEDULE_REQUESTS.add(req);
            dev.avalo.contracts.problem.Problem problem = SCHEDULER_PROBLEM.get() == null
                    ? null
                    : SCHEDULER_PROBLEM.get().apply(req);
            if (problem != null) { // as the scheduler refuses a question: a problem with its status in a header
                nats.connection().publish(m.getReplyTo(), new io.nats.client.impl.Headers()
                        .put("Avalo-Status", String.valueOf(problem.status()))
                        .put("Content-Type", dev.avalo.contracts.problem.Problem.MEDIA_TYPE), Json.encode(problem));
                return;
            }
            ScheduleCheckReply reply = SCHEDULER.get().apply(req);
            if (reply != null) {
                nats.connection().publish(m.getReplyTo(), Json.encode(reply));
            }
        });
        scheduler.subscribe(subjects.scheduleCheck());
        schedulerDispatcher = scheduler;
        try {
            nats.connection().flush(java.time.Duration.ofSeconds(5));
        } catch (Exception e) {
            throw new IllegalStateException("cannot subscribe the test scheduler", e);
        }
    }

    @AfterAll
    static void disconnect() {
        if (nats != null) {
            nats.close();
        }
    }

    protected static void allowAll() {
        SCHEDULER_PROBLEM.set(null);
        SCHEDULER.set(req -> new ScheduleCheckReply(true, ScheduleVerdict.PREFERRED, List.of("preferred window"),
                List.of(), null));
    }

    protected static String token(String role) {
        return TestTokens.token(role, role + "-user");
    }

    protected static String unique(String base) {
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    // ---- REST -----------------------------------------------------------------------------------------------------

    protected static Response post(String role, String path, Object body) {
        var spec = given().contentType(ContentType.JSON);
        if (role != null) {
            spec = spec.auth().oauth2(token(role));
        }
        return body == null ? spec.post(path) : spec.body(body instanceof String s ? s : json(body)).post(path);
    }

    protected static Response get(String role, String path) {
        return given().auth().oauth2(token(role)).get(path);
    }

    protected static String json(Object body) {
        return new String(Json.encode(body), StandardCharsets.UTF_8);
    }

    protected static void registerService(String name, String env, String revision) {
        post("deployer", "/api/v1/services", Map.of("name", name, "environment", env, "revision", revision,
                "upstreams", List.of("http://127.0.0.1:9001"))).then().statusCode(201);
    }

    protected static Map<String, String> fullChecklist() {
        Map<String, String> items = new LinkedHashMap<>();
        Checklist.PRE_ITEMS.keySet().forEach(k -> items.put(k, "evidence for " + k));
        return items;
    }

    protected static Map<String, Object> startBody(String service, String env, String revision) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("service", service);
        body.put("environment", env);
        body.put("revision", revision);
        body.put("upstreams", List.of("http://127.0.0.1:9002"));
        if ("production".equals(env)) {
            body.put("checklist", fullChecklist());
        }
        return body;
    }

    /** Registers {@code service} in production and starts {@code <service>-v2}; returns the deployment id. */
    protected static String startProduction(String service) {
        registerService(service, "production", service + "-v1");
        return post("deployer", "/api/v1/deployments", startBody(service, "production", service + "-v2")).then()
                .statusCode(201).extract().path("id");
    }

    protected static Response deployment(String id) {
        return get("viewer", "/api/v1/deployments/" + id);
    }

    protected static String state(String id) {
        return deployment(id).then().statusCode(200).extract().path("state");
    }

    protected static void awaitState(String id, String state) {
        await().atMost(WAIT).until(() -> state.equals(state(id)));
    }

    // ---- NATS -----------------------------------------------------------------------------------------------------

    protected static DesiredRoute route(String service, String env) {
        return nats.kvGet(NatsTestResource.routesBucket(), Subjects.routeKey(service, env))
                .map(b -> Json.decode(b, DesiredRoute.class)).orElse(null);
    }

    protected static DesiredRoute awaitRoute(String service, String env, int weight, long minGeneration) {
        AtomicReference<DesiredRoute> seen = new AtomicReference<>();
        await().atMost(WAIT).until(() -> {
            DesiredRoute r = route(service, env);
            seen.set(r);
            return r != null && r.generation() >= minGeneration && r.canaryWeightBasisPoints() == weight;
        });
        return seen.get();
    }

    protected static HealthReport report(String service, String env, String revision, double score,
            List<Breach> breaches, List<String> gates) {
        Verdict verdict = !breaches.isEmpty() || score < 70
                ? Verdict.ROLLBACK
                : score >= 90 ? Verdict.PROCEED : score >= 80 ? Verdict.CONTINUE : Verdict.PAUSE;
        return new HealthReport(service, env, revision, null, CLOCK.instant(), score, Map.of(), verdict, breaches,
                gates.stream().map(g -> new GateResult(g, "PASS", null)).toList(), new SampleCounts(5000, 95000));
    }

    /** Publishes a healthy report (every known gate passing) and waits until the orchestrator recorded it. */
    protected static void publishHealth(String id, HealthReport report) {
        nats.publish(subjects.health(report.service(), report.environment()), Json.encode(report));
        Instant at = report.at();
        await().atMost(WAIT).until(() -> {
            String seen = deployment(id).then().extract().path("health.at");
            return seen != null && Instant.parse(seen).equals(at);
        });
    }

    protected static void publishHealthy(String id, String service, String env, String revision) {
        publishHealth(id, report(service, env, revision, 96.5, List.of(), List.copyOf(Gates.names())));
    }

    protected static void ack(String service, String env, long generation) {
        nats.publish(subjects.routerApplied(service, env),
                Json.encode(new RouterApplied("router-test", generation, CLOCK.instant())));
    }

    /** The deployment events of {@code service} on JetStream, as CloudEvent types. */
    protected static List<String> eventTypes(NatsProbe.Recorder recorder) {
        return recorder.messages().stream().map(Message::getData)
                .map(b -> Json.decode(b, Map.class).get("type").toString()).toList();
    }

    protected static NatsProbe.Recorder events(String service, String env) {
        return nats.recordStream(NatsTestResource.eventsStream(), subjects.deploymentEvent(service, env));
    }
}
