package dev.avalo.orchestrator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;

import dev.avalo.orchestrator.metrics.DeploymentGauges;

/** The deployment dashboard's gauges follow a deployment: weight and stage while live, back to 0 after a rollback. */
@QuarkusTest
class DeploymentGaugesTest extends OrchestratorTestBase {

    @Inject
    DeploymentGauges gauges;

    @Inject
    MeterRegistry registry;

    private double gauge(String name, String service) {
        var g = registry.find(name).tags("service", service, "environment", "production").gauge();
        return g == null ? Double.NaN : g.value();
    }

    @Test
    void weightStageAndLiveFollowTheDeployment() {
        String service = unique("gauges");
        String id = startProduction(service);
        awaitRoute(service, "production", 100, 2);
        gauges.refresh();
        assertThat(gauge("avalo.deployment.canary.weight.percent", service)).isEqualTo(1.0);
        assertThat(gauge("avalo.deployment.stage", service)).isEqualTo(1.0);
        post("deployer", "/api/v1/deployments/" + id + "/promote", null).then().statusCode(200);
        awaitRoute(service, "production", 1000, 3);
        gauges.refresh();
        assertThat(gauge("avalo.deployment.canary.weight.percent", service)).isEqualTo(10.0);
        assertThat(gauge("avalo.deployment.stage", service)).isEqualTo(2.0);
        assertThat(registry.find("avalo.deployment.live").tags("service", service, "phase", "RUNNING").gauge().value())
                .isEqualTo(1.0);
        assertThat(registry.find("avalo.deployment.events").tags("service", service, "type", "stage.entered").counter()
                .count()).isEqualTo(2.0);

        post("deployer", "/api/v1/deployments/" + id + "/rollback", Map.of("mode", "immediate")).then().statusCode(200);
        var route = awaitRoute(service, "production", 0, 4);
        ack(service, "production", route.generation());
        awaitState(id, "ROLLED_BACK");
        gauges.refresh();
        assertThat(gauge("avalo.deployment.canary.weight.percent", service)).isZero();
        assertThat(gauge("avalo.deployment.stage", service)).isZero();
        assertThat(registry.find("avalo.deployment.live").tags("service", service).gauge()).isNull();
    }
}
