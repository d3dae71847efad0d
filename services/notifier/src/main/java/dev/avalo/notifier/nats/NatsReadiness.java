package dev.avalo.notifier.nats;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while NATS is connected and the events consumer is subscribed (REST works regardless). */
@Readiness
@ApplicationScoped
public class NatsReadiness implements HealthCheck {

    private final NotifierNats nats;

    public NatsReadiness(NotifierNats nats) {
        this.nats = nats;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("nats").status(nats.isConnected()).build();
    }
}
