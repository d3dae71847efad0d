package dev.avalo.orchestrator.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import dev.avalo.testing.TestTokens;

/** 401/403, malformed and invalid input → 4xx problems naming the field, with state unchanged. */
@QuarkusTest
class ValidationAndSecurityTest extends OrchestratorTestBase {

    @Test
    void withoutATokenIs401AndWithTheWrongRoleIs403() {
        given().contentType(ContentType.JSON).body("{}").post("/api/v1/deployments").then().statusCode(401);
        given().get("/api/v1/deployments").then().statusCode(401);
        given().auth().oauth2(TestTokens.expiredToken("deployer")).get("/api/v1/deployments").then().statusCode(401);
        given().auth().oauth2("not-a-jwt").get("/api/v1/deployments").then().statusCode(401);
        post("viewer", "/api/v1/services", Map.of("name", "x", "environment", "production", "revision", "x-v1",
                "upstreams", List.of("http://127.0.0.1:1"))).then().statusCode(403)
                .contentType("application/problem+json");
        given().auth().oauth2(token("deployer")).contentType(ContentType.JSON).body("{}")
                .put("/api/v1/strategies/production").then().statusCode(403);
        get("viewer", "/api/v1/deployments").then().statusCode(200);
    }

    @Test
    void malformedJsonIs400Problem() {
        post("deployer", "/api/v1/deployments", "{\"service\": ").then().statusCode(400)
                .contentType("application/problem+json").body("status", equalTo(400));
        post("deployer", "/api/v1/deployments", "{\"service\": \"a\", \"upstreams\": 7}").then().statusCode(400)
                .body("field", equalTo("upstreams"));
    }

    @Test
    void invalidNamesUpstreamsAndUnknownServiceAreNamed() {
        post("deployer", "/api/v1/deployments", Map.of("service", "Chat_API", "environment", "production",
                "revision", "v2", "upstreams", List.of("http://127.0.0.1:1"))).then().statusCode(400)
                .body("field", equalTo("service")).body("errors.field", hasItem("service"));
        post("deployer", "/api/v1/deployments", Map.of("service", "chat", "environment", "prod.eu",
                "revision", "v2", "upstreams", List.of("ftp://x"))).then().statusCode(400)
                .body("errors.field", hasItem("environment")).body("errors.field", hasItem("upstreams[0]"));
        post("deployer", "/api/v1/deployments", Map.of("service", "nobody-here", "environment", "production",
                "revision", "v2", "upstreams", List.of("http://127.0.0.1:1"))).then().statusCode(404)
                .body("field", equalTo("service"));
        get("viewer", "/api/v1/deployments/not-a-uuid").then().statusCode(400).body("field", equalTo("deploymentId"));
        get("viewer", "/api/v1/deployments/00000000-0000-0000-0000-000000000000").then().statusCode(404);
        get("viewer", "/api/v1/services/Bad_Name/production").then().statusCode(400).body("field", equalTo("name"));
        get("viewer", "/api/v1/deployments?state=DANCING").then().statusCode(400).body("field", equalTo("state"));
    }

    @Test
    void missingChecklistItemsAre422AndASecondLiveDeploymentIs409() {
        String service = unique("check-api");
        registerService(service, "production", service + "-v1");
        Map<String, Object> body = startBody(service, "production", service + "-v2");
        @SuppressWarnings("unchecked")
        Map<String, String> checklist = (Map<String, String>) body.get("checklist");
        checklist.remove("security-scan");
        checklist.put("on-call-assigned", " ");
        post("deployer", "/api/v1/deployments", body).then().statusCode(422).body("field", equalTo("checklist"))
                .body("details.missing", hasItem("security-scan")).body("details.missing", hasItem("on-call-assigned"));
        post("deployer", "/api/v1/deployments", startBody(service, "production", service + "-v1")).then()
                .statusCode(409).body("detail", containsString("already the stable revision"));
        String id = post("deployer", "/api/v1/deployments", startBody(service, "production", service + "-v2")).then()
                .statusCode(201).extract().path("id");
        post("deployer", "/api/v1/deployments", startBody(service, "production", service + "-v3")).then()
                .statusCode(409);
        assertThat(state(id)).isEqualTo("RUNNING");
        post("deployer", "/api/v1/services", Map.of("name", service, "environment", "production", "revision", "x",
                "upstreams", List.of("http://127.0.0.1:1"))).then().statusCode(409);
    }

    @Test
    void idempotencyKeyReturnsTheSameDeploymentAndRefusesADifferentBody() {
        String service = unique("idem-api");
        registerService(service, "production", service + "-v1");
        String body = json(startBody(service, "production", service + "-v2"));
        String first = given().auth().oauth2(token("deployer")).contentType(ContentType.JSON)
                .header("Idempotency-Key", "key-" + service).body(body).post("/api/v1/deployments").then()
                .statusCode(201).extract().path("id");
        String again = given().auth().oauth2(token("deployer")).contentType(ContentType.JSON)
                .header("Idempotency-Key", "key-" + service).body(body).post("/api/v1/deployments").then()
                .statusCode(200).extract().path("id");
        assertThat(again).isEqualTo(first);
        given().auth().oauth2(token("deployer")).contentType(ContentType.JSON).header("Idempotency-Key", "key-" + service)
                .body(json(startBody(service, "production", service + "-v9"))).post("/api/v1/deployments").then()
                .statusCode(422).body("field", equalTo("Idempotency-Key"));
        get("viewer", "/api/v1/deployments?service=" + service).then().body("size()", equalTo(1));
    }

    @Test
    void strategiesAreSeededAndValidatedOnEdit() {
        get("viewer", "/api/v1/strategies/production").then().statusCode(200)
                .body("stages.weightBasisPoints", equalTo(List.of(100, 1000, 2500, 5000, 10000)))
                .body("bakeSeconds", equalTo(86400)).body("blueRetentionSeconds", equalTo(86400));
        Map<String, Object> bad = Map.of("stages", List.of(
                Map.of("name", "a", "weightBasisPoints", 500, "minDurationSeconds", 60, "gates", List.of("error-rate")),
                Map.of("name", "b", "weightBasisPoints", 400, "minDurationSeconds", -1, "gates", List.of("vibes"))),
                "bakeSeconds", 0, "blueRetentionSeconds", 0);
        given().auth().oauth2(token("admin")).contentType(ContentType.JSON).body(json(bad))
                .put("/api/v1/strategies/qa").then().statusCode(400)
                .body("errors.field", hasItem("stages[1].weightBasisPoints"))
                .body("errors.field", hasItem("stages[1].minDurationSeconds"))
                .body("errors.field", hasItem("stages[1].gates"));
        get("viewer", "/api/v1/strategies/qa").then().statusCode(404);
        Map<String, Object> good = Map.of("stages", List.of(
                Map.of("name", "half", "weightBasisPoints", 5000, "minDurationSeconds", 60, "gates", List.of("error-rate")),
                Map.of("name", "full", "weightBasisPoints", 10000, "minDurationSeconds", 0)),
                "bakeSeconds", 600, "blueRetentionSeconds", 3600);
        given().auth().oauth2(token("admin")).contentType(ContentType.JSON).body(json(good))
                .put("/api/v1/strategies/qa").then().statusCode(200);
        get("viewer", "/api/v1/strategies/qa").then().statusCode(200).body("stages.size()", equalTo(2));
    }

    @Test
    void openApiIsServed() {
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/v1/deployments"));
    }
}
