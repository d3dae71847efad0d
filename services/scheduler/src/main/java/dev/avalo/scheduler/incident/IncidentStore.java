package dev.avalo.scheduler.incident;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.avalo.scheduler.db.Jdbc;

/** Incidents in {@code scheduler.incidents}. */
public class IncidentStore {

    private final Jdbc jdbc;

    public IncidentStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts it unless an incident with that id exists; true when inserted. */
    public boolean insertIfAbsent(Incident i) {
        return jdbc.update("""
                INSERT INTO scheduler.incidents (id, title, severity, services, opened_by, opened_at)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING""", i.id(), i.title(), i.severity(),
                Jdbc.join(i.services()), i.openedBy(), i.openedAt()) == 1;
    }

    /** Resolves it if open; true when it was open. */
    public boolean resolve(String id, String by, Instant at) {
        return jdbc.update(
                "UPDATE scheduler.incidents SET resolved_by = ?, resolved_at = ? WHERE id = ? AND resolved_at IS NULL",
                by, at, id) == 1;
    }

    public Optional<Incident> find(String id) {
        return jdbc.one("SELECT * FROM scheduler.incidents WHERE id = ?", IncidentStore::map, id);
    }

    /** Every incident overlapping [from, to). */
    public List<Incident> overlapping(Instant from, Instant to) {
        return jdbc.query("""
                SELECT * FROM scheduler.incidents WHERE opened_at < ? AND (resolved_at IS NULL OR resolved_at > ?)
                ORDER BY opened_at, id""", IncidentStore::map, to, from);
    }

    private static Incident map(ResultSet rs) throws SQLException {
        return new Incident(rs.getString("id"), rs.getString("title"), rs.getString("severity"),
                Jdbc.labels(rs.getString("services")), rs.getString("opened_by"), Jdbc.instant(rs, "opened_at"),
                rs.getString("resolved_by"), Jdbc.instant(rs, "resolved_at"));
    }
}
