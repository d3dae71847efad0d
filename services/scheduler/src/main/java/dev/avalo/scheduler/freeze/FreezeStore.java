package dev.avalo.scheduler.freeze;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.avalo.scheduler.db.Jdbc;

/** Ad-hoc freezes (high-traffic events and the like) in {@code scheduler.freezes}. */
public class FreezeStore {

    private final Jdbc jdbc;

    public FreezeStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(Freeze f, Instant createdAt) {
        jdbc.update("""
                INSERT INTO scheduler.freezes (id, name, reason, starts_at, ends_at, environments, services, created_by,
                    created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""", f.id(), f.name(), f.reason(), f.startsAt(),
                f.endsAt(), Jdbc.join(f.environments()), Jdbc.join(f.services()), f.declaredBy(), createdAt);
    }

    public Optional<Freeze> find(String id) {
        return jdbc.one("SELECT * FROM scheduler.freezes WHERE id = ?", FreezeStore::map, id);
    }

    public boolean delete(String id) {
        return jdbc.update("DELETE FROM scheduler.freezes WHERE id = ?", id) == 1;
    }

    /** Freezes overlapping [from, to), by start. */
    public List<Freeze> overlapping(Instant from, Instant to) {
        return jdbc.query("SELECT * FROM scheduler.freezes WHERE starts_at < ? AND ends_at > ? ORDER BY starts_at, id",
                FreezeStore::map, to, from);
    }

    private static Freeze map(ResultSet rs) throws SQLException {
        return new Freeze(rs.getString("id"), rs.getString("name"), Freeze.AD_HOC, Jdbc.instant(rs, "starts_at"),
                Jdbc.instant(rs, "ends_at"), rs.getString("reason"), Jdbc.labels(rs.getString("environments")),
                Jdbc.labels(rs.getString("services")), rs.getString("created_by"));
    }
}
