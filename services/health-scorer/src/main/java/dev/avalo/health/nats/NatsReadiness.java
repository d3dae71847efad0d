package dev.avalo.health.nats;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while NATS is connected and the metric subscriptions are in place. */
@Readiness
@ApplicationScoped
public class NatsReadiness implements HealthCheck {

    private final HealthNats nats;

    public NatsReadiness(HealthNats nats) {
        this.nats = nats;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("nats").status(nats.online()).build();
    }
}
