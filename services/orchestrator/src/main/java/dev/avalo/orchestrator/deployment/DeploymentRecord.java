package dev.avalo.orchestrator.deployment;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.avalo.contracts.deployment.MigrationSpec;
import dev.avalo.contracts.health.HealthReport;
import dev.avalo.contracts.schedule.Emergency;

/**
 * A deployment row: the lifecycle state plus what the lifecycle does not decide on (upstreams, migration, checklist, the last
 * raw report, the optimistic {@code version}).
 */
public record DeploymentRecord(
        DeploymentState state,
        List<String> fromUpstreams,
        List<String> toUpstreams,
        String strategy,
        HealthReport lastReport,
        String rollbackRevision,
        Long rollbackMillis,
        Instant deadline,
        MigrationSpec migration,
        Emergency emergency,
        Map<String, ChecklistEntry> checklist,
        String createdBy,
        Instant createdAt,
        Instant updatedAt,
        long version) {

    /** One checklist item: done or not, by whom, with what evidence. */
    @io.quarkus.runtime.annotations.RegisterForReflection
    public record ChecklistEntry(String phase, String item, boolean done, String by, String evidence, Instant at) {
    }

    public DeploymentRecord with(DeploymentState s, Instant deadline, Instant now) {
        return new DeploymentRecord(s, fromUpstreams, toUpstreams, strategy, lastReport, rollbackRevision,
                rollbackMillis, deadline, migration, emergency, checklist, createdBy, createdAt, now, version);
    }

    public DeploymentRecord withLastReport(HealthReport report) {
        return new DeploymentRecord(state, fromUpstreams, toUpstreams, strategy, report, rollbackRevision,
                rollbackMillis, deadline, migration, emergency, checklist, createdBy, createdAt, updatedAt, version);
    }

    public DeploymentRecord withRollback(String revision, Long millis) {
        return new DeploymentRecord(state, fromUpstreams, toUpstreams, strategy, lastReport, revision, millis,
                deadline, migration, emergency, checklist, createdBy, createdAt, updatedAt, version);
    }

    public DeploymentRecord withChecklist(Map<String, ChecklistEntry> items) {
        return new DeploymentRecord(state, fromUpstreams, toUpstreams, strategy, lastReport, rollbackRevision,
                rollbackMillis, deadline, migration, emergency, items, createdBy, createdAt, updatedAt, version);
    }
}
