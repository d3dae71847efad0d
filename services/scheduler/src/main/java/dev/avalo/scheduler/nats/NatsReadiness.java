package dev.avalo.scheduler.nats;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while NATS is connected and the check subject is subscribed (REST works regardless). */
@Readiness
@ApplicationScoped
public class NatsReadiness implements HealthCheck {

    private final SchedulerNats nats;

    public NatsReadiness(SchedulerNats nats) {
        this.nats = nats;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("nats").status(nats.isConnected()).build();
    }
}
