package dev.avalo.scheduler.override;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.core.type.TypeReference;

import dev.avalo.contracts.Json;
import dev.avalo.scheduler.db.Jdbc;

/** Emergency overrides in {@code scheduler.overrides}: each one that let a blocked deployment through. */
public class OverrideStore {

    /**
     * One override.
     *
     * @param actor
     *            who asked (the token's name; on trusted NATS, the approver named in the request)
     * @param channel
     *            {@code rest}, {@code nats-token} or {@code nats-trusted}
     */
    public record Override(String id, Instant at, String service, String environment, String approvedBy, String reason,
            String actor, String channel, List<String> blockedReasons, Instant recordedAt) {
    }

    private final Jdbc jdbc;

    public OverrideStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(Override o) {
        jdbc.update("""
                INSERT INTO scheduler.overrides (id, at, service, environment, approved_by, reason, actor, channel,
                    blocked_reasons, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", o.id(), o.at(), o.service(),
                o.environment(), o.approvedBy(), o.reason(), o.actor(), o.channel(), Jdbc.json(o.blockedReasons()),
                o.recordedAt());
    }

    /** Newest first (by insertion, not by clock: a stepped test clock records many at one instant). */
    public List<Override> recent(int limit) {
        return jdbc.query("SELECT * FROM scheduler.overrides ORDER BY seq DESC LIMIT ?", rs -> {
            List<String> reasons;
            try {
                reasons = Json.mapper().readValue(rs.getString("blocked_reasons"), new TypeReference<List<String>>() {
                });
            } catch (java.io.IOException e) {
                throw new java.sql.SQLException("bad blocked_reasons", e);
            }
            return new Override(rs.getString("id"), Jdbc.instant(rs, "at"), rs.getString("service"),
                    rs.getString("environment"), rs.getString("approved_by"), rs.getString("reason"),
                    rs.getString("actor"), rs.getString("channel"), reasons, Jdbc.instant(rs, "recorded_at"));
        }, limit);
    }
}
