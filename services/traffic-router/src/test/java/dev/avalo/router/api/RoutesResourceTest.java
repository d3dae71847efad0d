package dev.avalo.router.api;

import static dev.avalo.router.control.ControlPlaneFixture.awaitAck;
import static dev.avalo.router.control.ControlPlaneFixture.awaitLive;
import static dev.avalo.router.control.ControlPlaneFixture.put;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.avalo.contracts.Subjects;
import dev.avalo.contracts.problem.Problem;
import dev.avalo.contracts.route.DesiredRoute;
import dev.avalo.contracts.route.RouteTarget;
import dev.avalo.contracts.route.Stickiness;
import dev.avalo.router.config.NatsConfig;
import dev.avalo.router.control.ControlPlaneProfile;
import dev.avalo.testing.NatsProbe;

/** The admin API: what is applied, and RFC 9457 problems for what is not. */
@QuarkusTest
@TestProfile(ControlPlaneProfile.class)
class RoutesResourceTest {

    @Inject
    NatsConfig natsConfig;

    @Test
    void listsAndShowsAnAppliedRoute() throws Exception {
        awaitLive();
        String svc = "listed-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        try (NatsProbe nats = NatsProbe.connect(natsConfig.url())) {
            NatsProbe.Recorder ack = nats.record(
                    Subjects.withPrefix(natsConfig.subjectPrefix()).routerApplied(svc, "production"));
            put(nats.connection().keyValue(natsConfig.routesBucket()), svc + ".production",
                    new DesiredRoute(svc, "production", 7, new RouteTarget(svc + "-v1", List.of("http://10.0.0.5:8080")),
                            null, 0, Stickiness.defaultHeader(), "registered"));
            awaitAck(ack, 7);
        }

        given().when().get("/api/v1/routes")
                .then().statusCode(200).contentType("application/json")
                .body("service", hasItem(svc));
        given().when().get("/api/v1/routes/{service}/production", svc)
                .then().statusCode(200)
                .body("generation", equalTo(7))
                .body("stickiness.header", equalTo("X-User-Id"))
                .body("reason", equalTo("registered"))
                .body("appliedAt", containsString("T"));
    }

    @Test
    void anUnknownServiceIs404NamingTheField() {
        given().when().get("/api/v1/routes/no-such-service/production")
                .then().statusCode(404).contentType(Problem.MEDIA_TYPE)
                .body("status", equalTo(404))
                .body("field", equalTo("service"))
                .body("detail", containsString("no-such-service"))
                .body("instance", equalTo("/api/v1/routes/no-such-service/production"));
    }

    @Test
    void anotherEnvironmentIs404NamingTheEnvironment() {
        given().when().get("/api/v1/routes/chat-api/staging")
                .then().statusCode(404).contentType(Problem.MEDIA_TYPE)
                .body("field", equalTo("environment"))
                .body("detail", containsString("production"));
    }

    @Test
    void namesThatAreNotDnsLabelsAre400() {
        given().when().get("/api/v1/routes/Chat_API/production")
                .then().statusCode(400).contentType(Problem.MEDIA_TYPE)
                .body("field", equalTo("service"))
                .body("detail", containsString("DNS label"));
        given().when().get("/api/v1/routes/chat-api/PROD")
                .then().statusCode(400).contentType(Problem.MEDIA_TYPE)
                .body("field", equalTo("environment"));
    }
}
