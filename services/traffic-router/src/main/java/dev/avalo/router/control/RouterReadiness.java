package dev.avalo.router.control;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.avalo.router.nats.RouterNats;

/**
 * Ready whether or not NATS is up: without it the router keeps serving the routes in force (fail-static), so taking it out of
 * the load balancer would only turn a control-plane outage into a data-plane one. The data says which mode it is in:
 * {@code mode: live} while connected and watching the routes bucket, {@code mode: fail-static} (degraded) otherwise.
 */
@Readiness
@ApplicationScoped
public class RouterReadiness implements HealthCheck {

    private final RouteController controller;
    private final RouterNats nats;

    public RouterReadiness(RouteController controller, RouterNats nats) {
        this.controller = controller;
        this.nats = nats;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("routes")
                .up()
                .withData("nats", nats.isConnected() ? "connected" : "disconnected")
                .withData("mode", controller.isLive() ? "live" : "fail-static")
                .withData("routes", controller.applied().size())
                .withData("environment", controller.environment())
                .build();
    }
}
