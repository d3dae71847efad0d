package dev.avalo.orchestrator.migration;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Result of {@link MigrationPolicy#analyse(String)}: one {@link MigrationChange} per statement, or per action of a multi-action
 * {@code ALTER TABLE}, in script order.
 */
public record MigrationAnalysis(List<MigrationChange> changes) {

    public MigrationAnalysis {
        changes = List.copyOf(changes);
    }

    /** True if any change is breaking, i.e. the migration needs the expand/contract two-phase procedure. */
    public boolean breaking() {
        return changes.stream().anyMatch(MigrationChange::breaking);
    }

    public List<MigrationChange> breakingChanges() {
        return changes.stream().filter(MigrationChange::breaking).toList();
    }

    /** Number of distinct statements (a multi-action ALTER counts once). */
    public int statementCount() {
        return (int) changes.stream().mapToInt(MigrationChange::index).distinct().count();
    }

    /**
     * One sentence, e.g. {@code "2 statements: 1 breaking (DROP COLUMN users.verified)"} or
     * {@code "2 statements: none breaking"}. The breaking count counts changes (ALTER actions), not statements.
     */
    public String summary() {
        int statements = statementCount();
        String head = statements + (statements == 1 ? " statement" : " statements");
        List<MigrationChange> breaking = breakingChanges();
        if (breaking.isEmpty()) {
            return head + ": none breaking";
        }
        return head + ": " + breaking.size() + " breaking ("
                + breaking.stream().map(MigrationChange::label).collect(Collectors.joining(", ")) + ")";
    }
}
