package dev.avalo.router.control;

import static dev.avalo.router.control.ControlPlaneFixture.RECOVERY_WAIT;
import static dev.avalo.router.control.ControlPlaneFixture.WAIT;
import static dev.avalo.router.control.ControlPlaneFixture.awaitAck;
import static dev.avalo.router.control.ControlPlaneFixture.awaitLive;
import static dev.avalo.router.control.ControlPlaneFixture.put;
import static dev.avalo.router.control.ControlPlaneFixture.readiness;
import static dev.avalo.router.control.Routes.route;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.avalo.contracts.Subjects;
import dev.avalo.router.config.NatsConfig;
import dev.avalo.testing.NatsProbe;
import dev.avalo.testing.OwnNatsServer;

/**
 * NATS comes back without JetStream (as a server whose JetStream is not up yet): the router is connected but cannot watch,
 * stays ready in fail-static mode serving its routes and keeps trying; once JetStream is there it watches, applies and acks.
 */
@QuarkusTest
@TestProfile(JetStreamOutageProfile.class)
class JetStreamOutageTest {

    @Inject
    NatsConfig natsConfig;

    @Test
    void keepsTryingToWatchWhileJetStreamIsMissingAndResumesWhenItIsBack() throws Exception {
        OwnNatsServer server = OwnNatsServer.Resource.running();
        Subjects subjects = Subjects.withPrefix(natsConfig.subjectPrefix());
        awaitLive();
        try (NatsProbe nats = NatsProbe.connect(server.url())) {
            NatsProbe.Recorder ack = nats.record(subjects.routerApplied("cart", "production"));
            put(nats.connection().keyValue(natsConfig.routesBucket()), "cart.production", route("cart", 1, 500));
            awaitAck(ack, 1);
        }

        // when NATS returns without JetStream
        server.stop();
        await().atMost(WAIT).until(() -> "fail-static".equals(readiness("mode")));
        server.startWithoutJetStream();

        // then the router reconnects but stays fail-static, still serving the route, through several failed attempts
        await().atMost(RECOVERY_WAIT).until(() -> "connected".equals(readiness("nats")));
        await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> "fail-static".equals(readiness("mode")));
        given().when().get("/api/v1/routes/cart/production").then().statusCode(200)
                .body("generation", equalTo(1))
                .body("canaryWeightBasisPoints", equalTo(500));

        // when JetStream is back (same port and store), then it watches again and applies and acks a new generation
        server.stop();
        server.start();
        awaitLive(RECOVERY_WAIT);
        try (NatsProbe nats = NatsProbe.connect(server.url())) {
            NatsProbe.Recorder ack = nats.record(subjects.routerApplied("cart", "production"));
            put(nats.connection().keyValue(natsConfig.routesBucket()), "cart.production", route("cart", 2, 0));
            awaitAck(ack, 2);
        }
        given().when().get("/api/v1/routes/cart/production").then().statusCode(200)
                .body("generation", equalTo(2));
    }
}
