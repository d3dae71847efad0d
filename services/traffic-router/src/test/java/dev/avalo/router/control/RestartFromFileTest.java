package dev.avalo.router.control;

import static dev.avalo.router.control.ControlPlaneFixture.readiness;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** A restart with NATS unreachable starts at once and serves the routes of the state file. */
@QuarkusTest
@TestProfile(RestartFromFileProfile.class)
class RestartFromFileTest {

    @Test
    void routesOfTheStateFileAreServedWithoutNats() {
        given().when().get("/api/v1/routes").then().statusCode(200)
                .body("service", contains("restored-api", "restored-web"));
        given().when().get("/api/v1/routes/restored-api/production").then().statusCode(200)
                .body("generation", equalTo(7))
                .body("canaryWeightBasisPoints", equalTo(2500));
        given().when().get("/api/v1/routes/elsewhere/staging").then().statusCode(404);

        assertThat(readiness("mode")).isEqualTo("fail-static");
        assertThat(readiness("nats")).isEqualTo("disconnected");
        assertThat(readiness("routes")).isEqualTo("2");
    }
}
