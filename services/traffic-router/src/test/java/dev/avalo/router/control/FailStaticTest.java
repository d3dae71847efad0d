package dev.avalo.router.control;

import static dev.avalo.router.control.ControlPlaneFixture.RECOVERY_WAIT;
import static dev.avalo.router.control.ControlPlaneFixture.WAIT;
import static dev.avalo.router.control.ControlPlaneFixture.awaitAck;
import static dev.avalo.router.control.ControlPlaneFixture.awaitLive;
import static dev.avalo.router.control.ControlPlaneFixture.put;
import static dev.avalo.router.control.ControlPlaneFixture.readiness;
import static dev.avalo.router.control.Routes.route;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.avalo.contracts.Subjects;
import dev.avalo.router.config.NatsConfig;
import dev.avalo.testing.NatsProbe;
import dev.avalo.testing.OwnNatsServer;

/** NATS goes away and comes back: the router keeps serving, stays ready (degraded), then resumes applying and acking. */
@QuarkusTest
@TestProfile(FailStaticProfile.class)
class FailStaticTest {

    @Inject
    NatsConfig natsConfig;

    @Test
    void servesTheLastRoutesWhileNatsIsDownAndResumesWhenItReturns() throws Exception {
        OwnNatsServer server = OwnNatsServer.Resource.running();
        Subjects subjects = Subjects.withPrefix(natsConfig.subjectPrefix());
        awaitLive();

        // given a route applied while NATS is up
        try (NatsProbe nats = NatsProbe.connect(server.url())) {
            NatsProbe.Recorder ack = nats.record(subjects.routerApplied("shop", "production"));
            put(nats.connection().keyValue(natsConfig.routesBucket()), "shop.production", route("shop", 1, 1000));
            awaitAck(ack, 1);
        }

        // when NATS stops
        server.stop();

        // then the router is still ready, says it is degraded, and still serves the route
        await().atMost(WAIT).until(() -> "fail-static".equals(readiness("mode")));
        assertThat(readiness("nats")).isEqualTo("disconnected");
        assertThat(readiness("routes")).isEqualTo("1");
        given().when().get("/api/v1/routes").then().statusCode(200).body("service", hasItem("shop"));
        given().when().get("/api/v1/routes/shop/production").then().statusCode(200)
                .body("generation", equalTo(1))
                .body("canaryWeightBasisPoints", equalTo(1000));

        // when NATS comes back (same port, same store)
        server.start();

        // then the router reconnects, watches again, and applies and acks a new generation
        awaitLive(RECOVERY_WAIT);
        try (NatsProbe nats = NatsProbe.connect(server.url())) {
            NatsProbe.Recorder ack = nats.record(subjects.routerApplied("shop", "production"));
            put(nats.connection().keyValue(natsConfig.routesBucket()), "shop.production", route("shop", 2, 0));
            awaitAck(ack, 2);
        }
        given().when().get("/api/v1/routes/shop/production").then().statusCode(200)
                .body("generation", equalTo(2))
                .body("canaryWeightBasisPoints", equalTo(0));
        assertThat(readiness("nats")).isEqualTo("connected");
    }
}
