package dev.avalo.notifier.delivery;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.avalo.contracts.Json;
import dev.avalo.notifier.db.Jdbc;
import dev.avalo.notifier.notification.Notification;

/**
 * The delivery log in PostgreSQL (schema {@code notifier}, table {@code deliveries}). A row per (event id, channel): inserting
 * the same pair twice is a no-op, which is what makes a redelivered event harmless. The dispatcher claims rows with
 * {@code FOR UPDATE SKIP LOCKED}, so replicas never send the same row at the same time, and only the oldest open row per
 * (channel, order key), so one deployment's notifications reach a channel in order.
 */
public class DeliveryStore {

    /** A row to insert. */
    public record NewDelivery(String channel, Notification notification) {
    }

    /** A claimed row, ready to send. */
    public record Claimed(long id, String eventId, String channel, int attempts, Instant createdAt,
            Notification notification) {
    }

    private static final String COLUMNS = "id, event_id, channel, event_type, kind, severity, title, status, attempts,"
            + " next_attempt_at, last_error, detail, summary_id, created_at, updated_at, delivered_at, notification";

    private final Jdbc jdbc;

    public DeliveryStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public Jdbc jdbc() {
        return jdbc;
    }

    /** Inserts the rows not yet logged (by event id and channel), due now; returns how many were new. */
    public int insert(List<NewDelivery> rows, Instant now) {
        List<Object[]> params = new ArrayList<>(rows.size());
        for (NewDelivery r : rows) {
            Notification n = r.notification();
            params.add(new Object[]{n.eventId(), r.channel(), n.eventType(), n.kind(), n.severity().name(),
                    n.orderKey() == null ? n.eventId() : n.orderKey(), n.title(), Jdbc.json(n), now, now, now});
        }
        int[] counts = jdbc.batch("""
                INSERT INTO deliveries (event_id, channel, event_type, kind, severity, order_key, title, notification,
                    status, next_attempt_at, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', ?, ?, ?)
                ON CONFLICT (event_id, channel) DO NOTHING""", params);
        int inserted = 0;
        for (int c : counts) {
            inserted += c > 0 || c == java.sql.Statement.SUCCESS_NO_INFO ? 1 : 0;
        }
        return inserted;
    }

    /**
     * Claims up to {@code limit} due rows of {@code channel} that are the oldest open row of their order key, marking them
     * SENDING until {@code leaseUntil} and counting the attempt. The query's shape keeps its plan cheap whatever the table's
     * statistics say (a burst of thousands of rows on a table the planner still believes empty must not turn the claim into a
     * scan of every open row): candidates come off the pending index in id order, and each is checked against its order key
     * with one index probe (a scalar subquery is never flattened into a join). Two replicas racing for a row both see it
     * PENDING; the second's update re-checks the status after the first commits and skips it.
     */
    public List<Claimed> claim(String channel, Instant now, int limit, Instant leaseUntil) {
        return jdbc.query("""
                WITH candidates AS MATERIALIZED (
                    SELECT id, order_key FROM deliveries
                    WHERE channel = ? AND status = 'PENDING' AND next_attempt_at <= ?
                    ORDER BY id LIMIT ?)
                UPDATE deliveries d SET status = 'SENDING', attempts = d.attempts + 1, lease_until = ?, updated_at = ?
                WHERE d.id IN (
                    SELECT c.id FROM candidates c
                    WHERE (SELECT min(e.id) FROM deliveries e
                           WHERE e.channel = ? AND e.order_key = c.order_key AND e.status IN ('PENDING', 'SENDING')) = c.id
                    LIMIT ?)
                  AND d.status = 'PENDING'
                RETURNING d.id, d.event_id, d.channel, d.attempts, d.created_at, d.notification""",
                DeliveryStore::claimed, channel, now, limit * 2, leaseUntil, now, channel, limit).stream()
                .sorted(java.util.Comparator.comparingLong(Claimed::id)).toList(); // RETURNING has no order
    }

    /** How many rows of {@code channel} are due at {@code now}. */
    public int countDue(String channel, Instant now, int cap) {
        return jdbc.one("""
                SELECT count(*) FROM (SELECT 1 FROM deliveries
                    WHERE channel = ? AND status = 'PENDING' AND next_attempt_at <= ? LIMIT ?) due""",
                rs -> rs.getInt(1), channel, now, cap).orElse(0);
    }

    /**
     * Folds up to {@code limit} due rows of {@code channel} into one summary row (claimed, SENDING) built by {@code summarise};
     * the folded rows become SUMMARISED. One transaction. Empty when nothing was due.
     */
    public Optional<Claimed> summarise(String channel, Instant now, int limit, Instant leaseUntil,
            java.util.function.Function<List<Notification>, Notification> summarise) {
        return jdbc.tx(() -> {
            List<Claimed> held = jdbc.query("""
                    SELECT id, event_id, channel, attempts, created_at, notification FROM deliveries
                    WHERE channel = ? AND status = 'PENDING' AND next_attempt_at <= ?
                    ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED""", DeliveryStore::claimed, channel, now, limit);
            if (held.isEmpty()) {
                return Optional.<Claimed>empty();
            }
            Notification summary = summarise.apply(held.stream().map(Claimed::notification).toList());
            long id = jdbc.one("""
                    INSERT INTO deliveries (event_id, channel, event_type, kind, severity, order_key, title, notification,
                        status, attempts, next_attempt_at, lease_until, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'SENDING', 1, ?, ?, ?, ?) RETURNING id""", rs -> rs.getLong(1),
                    summary.eventId(), channel, summary.eventType(), summary.kind(), summary.severity().name(),
                    summary.orderKey(), summary.title(), Jdbc.json(summary), now, leaseUntil, now, now).orElseThrow();
            List<Object[]> folded = new ArrayList<>();
            for (Claimed c : held) {
                folded.add(new Object[]{id, now, c.id()});
            }
            jdbc.batch("UPDATE deliveries SET status = 'SUMMARISED', summary_id = ?, updated_at = ? WHERE id = ?",
                    folded);
            return Optional.of(new Claimed(id, summary.eventId(), channel, 1, now, summary));
        });
    }

    /** What became of a claimed row. */
    public sealed interface Outcome {
        long id();

        record Delivered(long id, String detail, Instant at) implements Outcome {
        }

        record Retry(long id, String error, Instant nextAttemptAt, boolean countAttempt) implements Outcome {
        }

        record Dead(long id, String error, Instant at, List<NewDelivery> notices) implements Outcome {
        }
    }

    /** Records outcomes in one transaction: the row updates and any dead-letter notices commit together. */
    public void complete(List<Outcome> outcomes, Instant now) {
        if (outcomes.isEmpty()) {
            return;
        }
        jdbc.tx(() -> {
            List<Object[]> delivered = new ArrayList<>();
            List<Object[]> retry = new ArrayList<>();
            List<Object[]> dead = new ArrayList<>();
            List<NewDelivery> notices = new ArrayList<>();
            for (Outcome o : outcomes) {
                if (o instanceof Outcome.Delivered d) {
                    delivered.add(new Object[]{trim(d.detail()), d.at(), now, d.id()});
                } else if (o instanceof Outcome.Retry r) {
                    retry.add(new Object[]{trim(r.error()), r.nextAttemptAt(), r.countAttempt() ? 0 : 1, now,
                            r.id()});
                } else if (o instanceof Outcome.Dead d) {
                    dead.add(new Object[]{trim(d.error()), now, d.id()});
                    notices.addAll(d.notices());
                }
            }
            jdbc.batch("""
                    UPDATE deliveries SET status = 'DELIVERED', detail = ?, delivered_at = ?, lease_until = NULL,
                        updated_at = ? WHERE id = ? AND status = 'SENDING'""", delivered);
            jdbc.batch("""
                    UPDATE deliveries SET status = 'PENDING', last_error = ?, next_attempt_at = ?,
                        attempts = attempts - ?, lease_until = NULL, updated_at = ? WHERE id = ? AND status = 'SENDING'""",
                    retry);
            jdbc.batch("""
                    UPDATE deliveries SET status = 'DEAD', last_error = ?, lease_until = NULL, updated_at = ?
                    WHERE id = ? AND status = 'SENDING'""", dead);
            insert(notices, now);
            return null;
        });
    }

    /** Returns rows of {@code channels} whose lease ended (their sender died mid-send) to PENDING; how many. */
    public int releaseExpiredLeases(java.util.Collection<String> channels, Instant now) {
        if (channels.isEmpty()) {
            return 0;
        }
        return jdbc.update("""
                UPDATE deliveries SET status = 'PENDING', next_attempt_at = ?, lease_until = NULL, updated_at = ?
                WHERE status = 'SENDING' AND lease_until < ? AND channel = ANY (?)""", now, now, now,
                channels.toArray(new String[0]));
    }

    /** The log, newest first, optionally of one status, after (older than) {@code beforeId}. */
    public List<Delivery> list(Optional<DeliveryStatus> status, Optional<String> eventId, long beforeId, int limit) {
        StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM deliveries WHERE id < ?");
        List<Object> params = new ArrayList<>();
        params.add(beforeId);
        status.ifPresent(s -> {
            sql.append(" AND status = ?");
            params.add(s.name());
        });
        eventId.ifPresent(e -> {
            sql.append(" AND event_id = ?");
            params.add(e);
        });
        sql.append(" ORDER BY id DESC LIMIT ?");
        params.add(limit);
        return jdbc.query(sql.toString(), DeliveryStore::delivery, params.toArray());
    }

    public Optional<Delivery> get(long id) {
        return jdbc.one("SELECT " + COLUMNS + " FROM deliveries WHERE id = ?", DeliveryStore::delivery, id);
    }

    private static String trim(String s) {
        return s == null || s.length() <= 1000 ? s : s.substring(0, 1000) + "…";
    }

    private static Claimed claimed(ResultSet rs) throws SQLException {
        return new Claimed(rs.getLong("id"), rs.getString("event_id"), rs.getString("channel"), rs.getInt("attempts"),
                Jdbc.instant(rs, "created_at"), notification(rs));
    }

    private static Notification notification(ResultSet rs) throws SQLException {
        return Json.decode(rs.getString("notification").getBytes(java.nio.charset.StandardCharsets.UTF_8),
                Notification.class);
    }

    private static Delivery delivery(ResultSet rs) throws SQLException {
        long summary = rs.getLong("summary_id");
        Long summaryId = rs.wasNull() ? null : summary;
        return new Delivery(rs.getLong("id"), rs.getString("event_id"), rs.getString("channel"),
                rs.getString("event_type"), rs.getString("kind"), rs.getString("severity"), rs.getString("title"),
                DeliveryStatus.valueOf(rs.getString("status")), rs.getInt("attempts"),
                Jdbc.instant(rs, "next_attempt_at"), rs.getString("last_error"), rs.getString("detail"), summaryId,
                Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "updated_at"), Jdbc.instant(rs, "delivered_at"),
                notification(rs));
    }
}
