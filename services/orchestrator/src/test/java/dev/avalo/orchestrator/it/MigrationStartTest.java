package dev.avalo.orchestrator.it;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** Migration policy at start and the rollback safety of contract deployments. */
@QuarkusTest
class MigrationStartTest extends OrchestratorTestBase {

    private static Map<String, Object> withMigration(String service, String env, String phase, String sql) {
        Map<String, Object> body = startBody(service, env, service + "-v2");
        body.put("migration", Map.of("phase", phase, "sql", sql));
        return body;
    }

    @Test
    void compatibleExpandPassesAndBreakingExpandIsRefused() {
        String service = unique("users-api");
        registerService(service, "production", service + "-v1");
        post("deployer", "/api/v1/deployments", withMigration(service, "production", "expand",
                "ALTER TABLE users DROP COLUMN verified;")).then().statusCode(422)
                .body("field", equalTo("migration.sql")).body("detail", containsString("DROP"));
        post("deployer", "/api/v1/deployments", withMigration(service, "production", "expand",
                "ALTER TABLE users ADD COLUMN new_field VARCHAR(255); CREATE INDEX idx_new_field ON users(new_field);"))
                .then().statusCode(201).body("rollbackSafe", equalTo(true));
    }

    @Test
    void unparsableSqlIs422() {
        String service = unique("bad-sql");
        registerService(service, "production", service + "-v1");
        post("deployer", "/api/v1/deployments", withMigration(service, "production", "expand", "ALTER TABLE ;;; nope"))
                .then().statusCode(422).body("field", equalTo("migration.sql"));
    }

    @Test
    void contractIsRefusedWhileAnotherLiveDeploymentRunsAnOlderRevisionAndIsRollbackUnsafe() {
        String service = unique("orders-api");
        registerService(service, "production", service + "-v1");
        registerService(service, "staging", service + "-v1");
        post("deployer", "/api/v1/deployments", startBody(service, "staging", service + "-v2")).then().statusCode(201);
        post("deployer", "/api/v1/deployments", withMigration(service, "production", "contract",
                "ALTER TABLE users DROP COLUMN verified;")).then().statusCode(422)
                .body("field", equalTo("migration.phase")).body("detail", containsString("staging"));
        String staging = get("viewer", "/api/v1/deployments?service=" + service + "&environment=staging").then()
                .extract().path("[0].id");
        post("deployer", "/api/v1/deployments/" + staging + "/abort", null).then().statusCode(200);

        String id = post("deployer", "/api/v1/deployments", withMigration(service, "production", "contract",
                "ALTER TABLE users DROP COLUMN verified;")).then().statusCode(201)
                .body("rollbackSafe", equalTo(false)).extract().path("id");
        post("deployer", "/api/v1/deployments/" + id + "/rollback", Map.of("mode", "immediate")).then()
                .statusCode(409).body("detail", containsString("contract migration"));
        post("deployer", "/api/v1/deployments/" + id + "/rollback", Map.of("mode", "immediate", "force", true)).then()
                .statusCode(403);
        post("approver", "/api/v1/deployments/" + id + "/rollback", Map.of("mode", "immediate", "force", true)).then()
                .statusCode(200).body("state", equalTo("ROLLING_BACK"));
    }
}
