package dev.avalo.orchestrator.deployment;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.type.TypeReference;

import dev.avalo.contracts.deployment.MigrationSpec;
import dev.avalo.contracts.health.HealthReport;
import dev.avalo.contracts.schedule.Emergency;
import dev.avalo.orchestrator.db.Jdbc;
import dev.avalo.orchestrator.strategy.Strategy;

/** Deployment rows and their timeline. Callers own the transaction. */
@ApplicationScoped
public class DeploymentStore {

    private static final String COLUMNS = "*";
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };
    private static final TypeReference<Map<String, DeploymentRecord.ChecklistEntry>> CHECKLIST = new TypeReference<>() {
    };

    /** A timeline entry. */
    @io.quarkus.runtime.annotations.RegisterForReflection
    public record EventRow(UUID id, String type, String actor, String kind, String reason, String phase,
            int stageIndex, Instant at) {
    }

    private final Jdbc jdbc;

    public DeploymentStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(DeploymentRecord r) {
        DeploymentState s = r.state();
        jdbc.update("""
                insert into deployment (id, service, environment, from_revision, from_upstreams, to_revision,
                  to_upstreams, strategy, plan, phase, stage_index, stage_started_at, paused_from, awaiting,
                  approved_stage, health_snapshot, last_report, data_since, warned_missing, phase_since, rollback_safe,
                  rollback_generation, rollback_revision, rollback_millis, blue_archived, deadline, migration, emergency,
                  checklist, created_by, created_at, updated_at, version)
                values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,0)""",
                s.id(), s.service(), s.environment(), s.fromRevision(), Jdbc.json(r.fromUpstreams()),
                s.toRevision(), Jdbc.json(r.toUpstreams()), r.strategy(), Jdbc.json(s.plan()), s.phase(),
                s.stageIndex(), s.stageStartedAt(), s.pausedFrom(), s.awaiting(), s.approvedStage(),
                Jdbc.json(s.health()), Jdbc.json(r.lastReport()), s.dataSince(), s.warnedMissing(), s.phaseSince(),
                s.rollbackSafe(), s.rollbackGeneration(), r.rollbackRevision(), r.rollbackMillis(), s.blueArchived(),
                r.deadline(), Jdbc.json(r.migration()), Jdbc.json(r.emergency()), Jdbc.json(r.checklist()),
                r.createdBy(), r.createdAt(), r.updatedAt());
    }

    /**
     * Writes {@code r} if the row still has {@code r.version()}; returns false when another writer got there first.
     */
    public boolean update(DeploymentRecord r) {
        return update(null, r);
    }

    /**
     * Writes {@code r} if the row still has {@code r.version()}; the JSON columns that did not change since {@code before}
     * (null: write all) are left as they are instead of being encoded and sent again.
     */
    public boolean update(DeploymentRecord before, DeploymentRecord r) {
        DeploymentState s = r.state();
        boolean all = before == null;
        return jdbc.updateOne("""
                update deployment set phase = ?, stage_index = ?, stage_started_at = ?, paused_from = ?, awaiting = ?,
                  approved_stage = ?, health_snapshot = coalesce(?, health_snapshot),
                  last_report = coalesce(?, last_report), data_since = ?, warned_missing = ?,
                  phase_since = ?, rollback_generation = ?, rollback_revision = ?, rollback_millis = ?,
                  blue_archived = ?, deadline = ?, checklist = coalesce(?, checklist), updated_at = ?,
                  version = version + 1
                where id = ? and version = ?""",
                s.phase(), s.stageIndex(), s.stageStartedAt(), s.pausedFrom(), s.awaiting(), s.approvedStage(),
                Jdbc.json(changed(all, before == null ? null : before.state().health(), s.health())),
                Jdbc.json(changed(all, before == null ? null : before.lastReport(), r.lastReport())),
                s.dataSince(), s.warnedMissing(), s.phaseSince(),
                s.rollbackGeneration(), r.rollbackRevision(), r.rollbackMillis(), s.blueArchived(), r.deadline(),
                Jdbc.json(changed(all, before == null ? null : before.checklist(), r.checklist())), r.updatedAt(),
                s.id(), r.version());
    }

    private static Object changed(boolean all, Object before, Object after) {
        return all || !java.util.Objects.equals(before, after) ? after : null;
    }

    public Optional<DeploymentRecord> find(UUID id) {
        return jdbc.one("select " + COLUMNS + " from deployment where id = ?", DeploymentStore::map, id);
    }

    /** Locks the row for this transaction. */
    public Optional<DeploymentRecord> lock(UUID id) {
        return jdbc.one("select " + COLUMNS + " from deployment where id = ? for update", DeploymentStore::map, id);
    }

    /** Due deadlines, locked; rows another instance holds are skipped, not waited for. */
    public List<DeploymentRecord> lockDue(Instant now, int limit) {
        return jdbc.query("select " + COLUMNS + " from deployment where deadline <= ? order by deadline limit ? "
                + "for update skip locked", DeploymentStore::map, now, limit);
    }

    public Optional<DeploymentRecord> live(String service, String environment) {
        return jdbc.one("select " + COLUMNS + " from deployment where service = ? and environment = ? and phase in "
                + livePhases(), DeploymentStore::map, service, environment);
    }

    /** Up to {@code limit} deployments a rollback may start from, oldest first, locked (emergency stop). */
    public List<DeploymentRecord> lockRevertible(int limit) {
        return jdbc.query("select " + COLUMNS
                + " from deployment where phase in ('RUNNING','PAUSED','AWAITING_APPROVAL','BAKING') "
                + "order by created_at limit ? for update", DeploymentStore::map, limit);
    }

    /** Every live deployment of {@code service}, in any environment. */
    public List<DeploymentRecord> liveOf(String service) {
        return jdbc.query("select " + COLUMNS + " from deployment where service = ? and phase in " + livePhases(),
                DeploymentStore::map, service);
    }

    public List<DeploymentRecord> list(String service, String environment, String phase, int limit) {
        StringBuilder sql = new StringBuilder("select " + COLUMNS + " from deployment where true");
        List<Object> params = new ArrayList<>();
        if (service != null) {
            sql.append(" and service = ?");
            params.add(service);
        }
        if (environment != null) {
            sql.append(" and environment = ?");
            params.add(environment);
        }
        if (phase != null) {
            sql.append(" and phase = ?");
            params.add(phase);
        }
        sql.append(" order by created_at desc limit ?");
        params.add(limit);
        return jdbc.query(sql.toString(), DeploymentStore::map, params.toArray());
    }

    public void insertEvent(UUID deploymentId, UUID eventId, String type, String actor, String kind, String reason,
            DeploymentState s, Instant at) {
        jdbc.update("insert into deployment_event (id, deployment_id, type, actor, kind, reason, phase, stage_index, at)"
                + " values (?,?,?,?,?,?,?,?,?)", eventId, deploymentId, type, actor, kind, reason, s.phase(),
                s.stageIndex(), at);
    }

    public List<EventRow> events(UUID deploymentId) {
        return jdbc.query("select * from deployment_event where deployment_id = ? order by seq",
                rs -> new EventRow((UUID) rs.getObject("id"), rs.getString("type"), rs.getString("actor"),
                        rs.getString("kind"), rs.getString("reason"), rs.getString("phase"), rs.getInt("stage_index"),
                        Jdbc.instant(rs, "at")),
                deploymentId);
    }

    private static String livePhases() {
        return "('PENDING','RUNNING','PAUSED','AWAITING_APPROVAL','BAKING','ROLLING_BACK')";
    }

    static DeploymentRecord map(ResultSet rs) throws SQLException {
        String pausedFrom = rs.getString("paused_from");
        String awaiting = rs.getString("awaiting");
        DeploymentState s = new DeploymentState(
                (UUID) rs.getObject("id"),
                rs.getString("service"),
                rs.getString("environment"),
                rs.getString("from_revision"),
                rs.getString("to_revision"),
                Jdbc.json(rs, "plan", Strategy.class),
                DeploymentPhase.valueOf(rs.getString("phase")),
                rs.getInt("stage_index"),
                Jdbc.instant(rs, "stage_started_at"),
                pausedFrom == null ? null : DeploymentPhase.valueOf(pausedFrom),
                awaiting == null ? null : AwaitReason.valueOf(awaiting),
                rs.getInt("approved_stage"),
                Jdbc.json(rs, "health_snapshot", HealthSnapshot.class),
                Jdbc.instant(rs, "data_since"),
                rs.getBoolean("warned_missing"),
                Jdbc.instant(rs, "phase_since"),
                rs.getBoolean("rollback_safe"),
                rs.getLong("rollback_generation"),
                rs.getBoolean("blue_archived"));
        long millis = rs.getLong("rollback_millis");
        Long rollbackMillis = rs.wasNull() ? null : millis;
        return new DeploymentRecord(s,
                Jdbc.json(rs, "from_upstreams", STRINGS),
                Jdbc.json(rs, "to_upstreams", STRINGS),
                rs.getString("strategy"),
                Jdbc.json(rs, "last_report", HealthReport.class),
                rs.getString("rollback_revision"),
                rollbackMillis,
                Jdbc.instant(rs, "deadline"),
                Jdbc.json(rs, "migration", MigrationSpec.class),
                Jdbc.json(rs, "emergency", Emergency.class),
                Jdbc.json(rs, "checklist", CHECKLIST),
                rs.getString("created_by"),
                Jdbc.instant(rs, "created_at"),
                Jdbc.instant(rs, "updated_at"),
                rs.getLong("version"));
    }
}
