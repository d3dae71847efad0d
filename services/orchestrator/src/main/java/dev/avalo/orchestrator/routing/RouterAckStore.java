package dev.avalo.orchestrator.routing;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import dev.avalo.contracts.route.RouterApplied;
import dev.avalo.orchestrator.db.Jdbc;

/** The last generation each router acked per service and environment. */
@ApplicationScoped
public class RouterAckStore {

    private final Jdbc jdbc;

    public RouterAckStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Keeps the highest generation per router (acks may arrive out of order). */
    public void record(String service, String environment, RouterApplied ack, Instant now) {
        jdbc.update("""
                insert into router_ack (service, environment, router_id, generation, applied_at, received_at)
                values (?,?,?,?,?,?)
                on conflict (service, environment, router_id) do update set generation = excluded.generation,
                  applied_at = excluded.applied_at, received_at = excluded.received_at
                where router_ack.generation < excluded.generation""",
                service, environment, ack.routerId(), ack.generation(), ack.appliedAt(), now);
    }
}
