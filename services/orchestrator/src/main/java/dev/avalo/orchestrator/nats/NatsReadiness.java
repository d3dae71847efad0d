package dev.avalo.orchestrator.nats;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.avalo.orchestrator.outbox.OutboxStore;

/**
 * Ready while NATS is connected. While it is not, transitions still commit and wait in the outbox; the backlog is reported so
 * an operator sees what is pending.
 */
@Readiness
@ApplicationScoped
public class NatsReadiness implements HealthCheck {

    private final NatsClient nats;
    private final OutboxStore outbox;

    public NatsReadiness(NatsClient nats, OutboxStore outbox) {
        this.nats = nats;
        this.outbox = outbox;
    }

    @Override
    public HealthCheckResponse call() {
        long pending;
        try {
            pending = outbox.pendingCount();
        } catch (RuntimeException e) {
            pending = -1;
        }
        return HealthCheckResponse.named("nats").status(nats.isConnected()).withData("outboxPending", pending)
                .build();
    }
}
