package dev.avalo.router.control;

import static dev.avalo.router.control.ControlPlaneFixture.WAIT;
import static dev.avalo.router.control.ControlPlaneFixture.acks;
import static dev.avalo.router.control.ControlPlaneFixture.awaitAck;
import static dev.avalo.router.control.ControlPlaneFixture.awaitLive;
import static dev.avalo.router.control.ControlPlaneFixture.put;
import static dev.avalo.router.control.ControlPlaneFixture.readiness;
import static dev.avalo.router.control.ControlPlaneFixture.rejections;
import static dev.avalo.router.control.Routes.route;
import static dev.avalo.router.control.Routes.service;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.nats.client.KeyValue;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.avalo.contracts.Json;
import dev.avalo.contracts.Subjects;
import dev.avalo.contracts.route.DesiredRoute;
import dev.avalo.contracts.route.RouteRejected;
import dev.avalo.contracts.route.RouteTarget;
import dev.avalo.contracts.route.RouterApplied;
import dev.avalo.router.config.NatsConfig;
import dev.avalo.router.config.RouterConfig;
import dev.avalo.testing.NatsProbe;

/** The control plane against the real local NATS: KV put → applied, acked, persisted; stale and malformed routes refused. */
@QuarkusTest
@TestProfile(ControlPlaneProfile.class)
class RouteControllerTest {

    @Inject
    NatsConfig natsConfig;

    @Inject
    RouterConfig routerConfig;

    private NatsProbe nats;
    private Subjects subjects;
    private KeyValue kv;
    private NatsProbe.Recorder rejected;

    @BeforeEach
    void connect() throws Exception {
        awaitLive();
        nats = NatsProbe.connect(natsConfig.url());
        subjects = Subjects.withPrefix(natsConfig.subjectPrefix());
        kv = nats.connection().keyValue(natsConfig.routesBucket());
        rejected = nats.record(subjects.prefix() + ".evt.router.rejected");
    }

    @AfterEach
    void close() {
        nats.close();
    }

    @Test
    void aRouteInKvIsAppliedShownAckedAndPersisted() throws Exception {
        String svc = service("chat");
        NatsProbe.Recorder ack = nats.record(subjects.routerApplied(svc, "production"));

        put(kv, svc + ".production", route(svc, 42, 100));

        RouterApplied applied = awaitAck(ack, 42);
        assertThat(applied.routerId()).isEqualTo(ControlPlaneProfile.ROUTER_ID);
        assertThat(applied.appliedAt()).isNotNull();
        given().when().get("/api/v1/routes/{service}/production", svc)
                .then().statusCode(200)
                .body("service", equalTo(svc))
                .body("environment", equalTo("production"))
                .body("generation", equalTo(42))
                .body("canaryWeightBasisPoints", equalTo(100))
                .body("stable.revision", equalTo(svc + "-v1"))
                .body("canary.upstreams[0]", equalTo("http://127.0.0.1:9002"))
                .body("appliedAt", notNullValue());
        List<String> listed = given().when().get("/api/v1/routes").then().statusCode(200).extract().jsonPath()
                .getList("service", String.class);
        assertThat(listed).contains(svc);

        DesiredRoute[] file = Json.decode(Files.readAllBytes(Path.of(routerConfig.stateFile())), DesiredRoute[].class);
        assertThat(file).anySatisfy(r -> {
            assertThat(r.service()).isEqualTo(svc);
            assertThat(r.generation()).isEqualTo(42);
        });
        assertThat(readiness("mode")).isEqualTo("live");
        assertThat(readiness("nats")).isEqualTo("connected");
    }

    @Test
    void anOlderGenerationIsIgnored() {
        String svc = service("older");
        NatsProbe.Recorder ack = nats.record(subjects.routerApplied(svc, "production"));
        put(kv, svc + ".production", route(svc, 5, 2500));
        awaitAck(ack, 5);

        put(kv, svc + ".production", route(svc, 3, 10_000));
        barrier();

        assertThat(acks(ack)).extracting(RouterApplied::generation).doesNotContain(3L);
        given().when().get("/api/v1/routes/{service}/production", svc)
                .then().statusCode(200)
                .body("generation", equalTo(5))
                .body("canaryWeightBasisPoints", equalTo(2500));
        assertThat(rejections(rejected)).noneMatch(r -> r.key().startsWith(svc));
    }

    @Test
    void malformedRoutesAreRefusedThePreviousKeptAndARejectionPublished() {
        String svc = service("bad");
        String key = svc + ".production";
        NatsProbe.Recorder ack = nats.record(subjects.routerApplied(svc, "production"));
        put(kv, key, route(svc, 1, 100));
        awaitAck(ack, 1);
        DesiredRoute good = route(svc, 2, 100);

        put(kv, key, "{\"service\": ".getBytes(StandardCharsets.UTF_8));
        put(kv, key, new DesiredRoute(svc, "production", 2, good.stable(), good.canary(), 20_000, null, null));
        put(kv, key, new DesiredRoute(svc, "production", 3, new RouteTarget(svc + "-v1", List.of()), null, 0, null,
                null));
        put(kv, "Chat_API.production", route("Chat_API", 4, 100));
        put(kv, key, route(svc, "staging", 5, 100));

        List<RouteRejected> refused = await().atMost(WAIT).until(
                () -> rejections(rejected).stream()
                        .filter(r -> r.key().equals(key) || r.key().equals("Chat_API.production")).toList(),
                list -> list.size() == 5);
        assertThat(refused).allSatisfy(r -> {
            assertThat(r.routerId()).isEqualTo(ControlPlaneProfile.ROUTER_ID);
            assertThat(r.problems()).isNotEmpty();
            assertThat(r.at()).isNotNull();
        });
        assertThat(refused.get(0).generation()).isNull();
        assertThat(refused.get(0).problems().get(0)).contains("malformed");
        assertThat(refused.get(1).generation()).isEqualTo(2);
        assertThat(refused.get(1).problems()).anySatisfy(p -> assertThat(p).contains("canaryWeightBasisPoints"));
        assertThat(refused.get(2).problems()).anySatisfy(p -> assertThat(p).contains("upstreams must not be empty"));
        assertThat(refused.get(3).key()).isEqualTo("Chat_API.production");
        assertThat(refused.get(3).problems()).anySatisfy(p -> assertThat(p).contains("DNS label"));
        assertThat(refused.get(4).problems()).anySatisfy(p -> assertThat(p).contains("staging"));

        assertThat(acks(ack)).extracting(RouterApplied::generation).containsOnly(1L);
        given().when().get("/api/v1/routes/{service}/production", svc)
                .then().statusCode(200).body("generation", equalTo(1));
        assertThat(readiness("mode")).isEqualTo("live");
    }

    @Test
    void routesOfAnotherEnvironmentAreNotApplied() {
        String svc = service("staged");
        NatsProbe.Recorder stagingAck = nats.record(subjects.routerApplied(svc, "staging"));

        put(kv, svc + ".staging", route(svc, "staging", 1, 100));
        barrier();

        assertThat(stagingAck.size()).isZero();
        assertThat(rejections(rejected)).noneMatch(r -> r.key().startsWith(svc));
        given().when().get("/api/v1/routes/{service}/staging", svc).then().statusCode(404);
        given().when().get("/api/v1/routes/{service}/production", svc).then().statusCode(404);
        List<String> listed = given().when().get("/api/v1/routes").then().statusCode(200).extract().jsonPath()
                .getList("service", String.class);
        assertThat(listed).doesNotContain(svc);
    }

    /**
     * Puts a fresh route and waits for its ack: the watch delivers in stream order and handles one value at a time, so every
     * value put before has been handled when this returns.
     */
    private void barrier() {
        String svc = service("barrier");
        NatsProbe.Recorder ack = nats.record(subjects.routerApplied(svc, "production"));
        put(kv, svc + ".production", route(svc, 1, 0));
        awaitAck(ack, 1);
        ack.close();
    }
}
