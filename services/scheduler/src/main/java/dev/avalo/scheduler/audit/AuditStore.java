package dev.avalo.scheduler.audit;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;

import dev.avalo.contracts.Json;
import dev.avalo.scheduler.db.Jdbc;

/** The audit trail: every freeze change, incident and override with its actor. */
public class AuditStore {

    /** One audit entry. */
    public record Entry(long id, Instant at, String actor, String action, String target, Map<String, Object> detail) {
    }

    private final Jdbc jdbc;

    public AuditStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public void record(Instant at, String actor, String action, String target, Map<String, Object> detail) {
        jdbc.update("INSERT INTO scheduler.audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)", at, actor,
                action, target, Jdbc.json(detail));
    }

    /** Newest first. */
    public List<Entry> recent(int limit) {
        return jdbc.query("SELECT * FROM scheduler.audit ORDER BY id DESC LIMIT ?", rs -> {
            String detail = rs.getString("detail");
            Map<String, Object> map;
            try {
                map = detail == null
                        ? Map.of()
                        : Json.mapper().readValue(detail, new TypeReference<Map<String, Object>>() {
                        });
            } catch (java.io.IOException e) {
                throw new java.sql.SQLException("bad audit detail", e);
            }
            return new Entry(rs.getLong("id"), Jdbc.instant(rs, "at"), rs.getString("actor"), rs.getString("action"),
                    rs.getString("target"), map);
        }, limit);
    }
}
