package dev.avalo.orchestrator.deployment;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.avalo.orchestrator.db.Jdbc;

/** {@code Idempotency-Key}s of {@code POST /deployments}, per actor. */
@ApplicationScoped
public class IdempotencyStore {

    /** A remembered key: the hash of the request it came with and the deployment it made. */
    public record Entry(String requestHash, UUID deploymentId) {
    }

    private final Jdbc jdbc;

    public IdempotencyStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Entry> find(String actor, String key) {
        return jdbc.one("select request_hash, deployment_id from idempotency_key where actor = ? and key = ?",
                rs -> new Entry(rs.getString(1), (UUID) rs.getObject(2)), actor, key);
    }

    void save(DeploymentService.IdempotencyKey k, UUID deploymentId, Instant now) {
        jdbc.update("insert into idempotency_key (actor, key, request_hash, deployment_id, created_at) values (?,?,?,?,?)",
                k.actor(), k.key(), k.requestHash(), deploymentId, now);
    }
}
