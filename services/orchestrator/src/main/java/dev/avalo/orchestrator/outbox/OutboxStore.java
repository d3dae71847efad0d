package dev.avalo.orchestrator.outbox;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.avalo.orchestrator.db.Jdbc;

/** The transactional outbox: rows written with a transition, drained to NATS by {@link OutboxPublisher}. */
@ApplicationScoped
public class OutboxStore {

    /** What to publish: a JetStream event or a KV route. */
    public enum Kind {
        EVENT,
        ROUTE
    }

    /** A pending row. */
    public record Row(long id, Kind kind, String subject, String msgId, byte[] payload, Long generation) {
    }

    private final Jdbc jdbc;

    public OutboxStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public void add(Kind kind, String subject, String msgId, byte[] payload, Long generation, Instant now) {
        jdbc.update("insert into outbox (kind, subject, msg_id, payload, generation, created_at) values (?,?,?,?,?,?)",
                kind.name(), subject, msgId, payload, generation, now);
    }

    /** The oldest unpublished rows, locked; rows another instance is publishing are skipped. */
    public List<Row> lockPending(int limit) {
        return jdbc.query("select id, kind, subject, msg_id, payload, generation from outbox where published_at is null "
                + "order by (kind = 'ROUTE') desc, id limit ? for update skip locked",
                rs -> {
                    long g = rs.getLong("generation");
                    return new Row(rs.getLong("id"), Kind.valueOf(rs.getString("kind")), rs.getString("subject"),
                            rs.getString("msg_id"), rs.getBytes("payload"), rs.wasNull() ? null : g);
                }, limit);
    }

    public void markPublished(List<Long> ids, Instant now) {
        if (ids.isEmpty()) {
            return;
        }
        jdbc.update("update outbox set published_at = ? where id = any (?)", now, ids.toArray(new Long[0]));
    }

    public long pendingCount() {
        return jdbc.one("select count(*) from outbox where published_at is null", rs -> rs.getLong(1)).orElse(0L);
    }

    /** Deletes published rows older than {@code before}. */
    public int purge(Instant before) {
        return jdbc.update("delete from outbox where published_at is not null and published_at < ?", before);
    }
}
