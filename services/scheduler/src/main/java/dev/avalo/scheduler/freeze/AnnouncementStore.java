package dev.avalo.scheduler.freeze;

import java.time.Instant;
import java.util.List;

import dev.avalo.contracts.schedule.ActiveFreeze;
import dev.avalo.scheduler.db.Jdbc;

/** Which freezes had their started (and ended) event published; survives restarts so no event repeats or goes missing. */
public class AnnouncementStore {

    /** A freeze announced as started and not yet as ended. */
    public record Started(ActiveFreeze freeze, String reason, String declaredBy) {
    }

    private final Jdbc jdbc;

    public AnnouncementStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Claims the started announcement; false when it was already made. */
    public boolean claimStart(Freeze f, Instant at) {
        return jdbc.update("""
                INSERT INTO scheduler.announcements (freeze_id, freeze_view, reason, declared_by, started_at)
                VALUES (?, ?, ?, ?, ?) ON CONFLICT (freeze_id) DO NOTHING""", f.id(), Jdbc.json(f.view()), f.reason(),
                f.declaredBy(), at) == 1;
    }

    /** Gives a claim back (the event could not be published; the next tick retries). */
    public void unclaimStart(String freezeId) {
        jdbc.update("DELETE FROM scheduler.announcements WHERE freeze_id = ? AND ended_at IS NULL", freezeId);
    }

    /** Started and not ended. */
    public List<Started> open() {
        return jdbc.query("SELECT * FROM scheduler.announcements WHERE ended_at IS NULL ORDER BY started_at, freeze_id",
                rs -> new Started(dev.avalo.contracts.Json.decode(
                        rs.getString("freeze_view").getBytes(java.nio.charset.StandardCharsets.UTF_8), ActiveFreeze.class),
                        rs.getString("reason"), rs.getString("declared_by")));
    }

    /** Claims the ended announcement; false when it was already made. */
    public boolean claimEnd(String freezeId, Instant at) {
        return jdbc.update("UPDATE scheduler.announcements SET ended_at = ? WHERE freeze_id = ? AND ended_at IS NULL", at,
                freezeId) == 1;
    }

    public void unclaimEnd(String freezeId) {
        jdbc.update("UPDATE scheduler.announcements SET ended_at = NULL WHERE freeze_id = ?", freezeId);
    }
}
