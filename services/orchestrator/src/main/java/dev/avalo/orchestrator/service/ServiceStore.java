package dev.avalo.orchestrator.service;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.type.TypeReference;

import dev.avalo.contracts.deployment.RevisionView;
import dev.avalo.contracts.route.DesiredRoute;
import dev.avalo.orchestrator.db.Jdbc;

/** Services, their desired route and generation, and their revision history. Callers own the transaction. */
@ApplicationScoped
public class ServiceStore {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    private final Jdbc jdbc;

    public ServiceStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts; false when the service already exists in that environment. */
    public boolean insert(ServiceRecord s) {
        return jdbc.update("""
                insert into service (name, environment, stable_revision, upstreams, route_generation, route, created_by,
                  created_at, updated_at) values (?,?,?,?,?,?,?,?,?) on conflict do nothing""",
                s.name(), s.environment(), s.stableRevision(), Jdbc.json(s.upstreams()), s.routeGeneration(),
                Jdbc.json(s.route()), s.createdBy(), s.createdAt(), s.updatedAt()) == 1;
    }

    public Optional<ServiceRecord> find(String name, String environment) {
        return jdbc.one("select * from service where name = ? and environment = ?", ServiceStore::map, name,
                environment);
    }

    /** Locks the row: route generations of one service are assigned one at a time. */
    public Optional<ServiceRecord> lock(String name, String environment) {
        return jdbc.one("select * from service where name = ? and environment = ? for update", ServiceStore::map, name,
                environment);
    }

    /** Locks many service rows in one statement; keyed {@code <name>.<environment>}. */
    public java.util.Map<String, ServiceRecord> lockAll(List<String[]> keys) {
        java.util.Map<String, ServiceRecord> out = new java.util.HashMap<>();
        if (keys.isEmpty()) {
            return out;
        }
        String[] names = keys.stream().map(k -> k[0]).toArray(String[]::new);
        String[] environments = keys.stream().map(k -> k[1]).toArray(String[]::new);
        for (ServiceRecord s : jdbc.query("select s.* from service s join unnest(?::text[], ?::text[]) as k(name, environment) "
                + "on s.name = k.name and s.environment = k.environment order by s.name, s.environment for update of s",
                ServiceStore::map, names, environments)) {
            out.put(s.name() + "." + s.environment(), s);
        }
        return out;
    }

    public List<ServiceRecord> list() {
        return jdbc.query("select * from service order by name, environment", ServiceStore::map);
    }

    public void updateRoute(String name, String environment, DesiredRoute route, Instant now) {
        jdbc.update("update service set route = ?, route_generation = ?, updated_at = ? where name = ? and environment = ?",
                Jdbc.json(route), route.generation(), now, name, environment);
    }

    public void setStable(String name, String environment, String revision, List<String> upstreams, Instant now) {
        jdbc.update("update service set stable_revision = ?, upstreams = ?, updated_at = ? where name = ? and environment = ?",
                revision, Jdbc.json(upstreams), now, name, environment);
    }

    /** Records a revision in the history (first sight wins for {@code first_seen_at}). */
    public void upsertRevision(String service, String environment, String revision, List<String> upstreams,
            String status, UUID deploymentId, Instant now) {
        jdbc.update("""
                insert into revision (service, environment, revision, upstreams, status, deployment_id, first_seen_at,
                  stable_since) values (?,?,?,?,?,?,?,?)
                on conflict (service, environment, revision) do update set status = excluded.status,
                  upstreams = excluded.upstreams,
                  deployment_id = coalesce(excluded.deployment_id, revision.deployment_id),
                  stable_since = case when excluded.status = 'stable' then excluded.stable_since else revision.stable_since end,
                  archived_at = null""",
                service, environment, revision, Jdbc.json(upstreams), status, deploymentId, now,
                "stable".equals(status) ? now : null);
    }

    public void setRevisionStatus(String service, String environment, String revision, String status, Instant now) {
        jdbc.update("""
                update revision set status = ?,
                  stable_since = case when ? = 'stable' then ? else stable_since end,
                  archived_at = case when ? = 'archived' then ? else archived_at end
                where service = ? and environment = ? and revision = ?""",
                status, status, now, status, now, service, environment, revision);
    }

    public Optional<RevisionView> revision(String service, String environment, String revision) {
        return jdbc.one("select * from revision where service = ? and environment = ? and revision = ?",
                ServiceStore::mapRevision, service, environment, revision);
    }

    public List<RevisionView> revisions(String service, String environment) {
        return jdbc.query("select * from revision where service = ? and environment = ? order by first_seen_at desc",
                ServiceStore::mapRevision, service, environment);
    }

    static ServiceRecord map(ResultSet rs) throws SQLException {
        return new ServiceRecord(rs.getString("name"), rs.getString("environment"), rs.getString("stable_revision"),
                Jdbc.json(rs, "upstreams", STRINGS), rs.getLong("route_generation"),
                Jdbc.json(rs, "route", DesiredRoute.class), rs.getString("created_by"), Jdbc.instant(rs, "created_at"),
                Jdbc.instant(rs, "updated_at"));
    }

    static RevisionView mapRevision(ResultSet rs) throws SQLException {
        Object id = rs.getObject("deployment_id");
        return new RevisionView(rs.getString("revision"), Jdbc.json(rs, "upstreams", STRINGS), rs.getString("status"),
                id == null ? null : id.toString(), Jdbc.instant(rs, "first_seen_at"), Jdbc.instant(rs, "stable_since"),
                Jdbc.instant(rs, "archived_at"));
    }
}
