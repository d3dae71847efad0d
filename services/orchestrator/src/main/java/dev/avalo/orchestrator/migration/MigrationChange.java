package dev.avalo.orchestrator.migration;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One classified change of a migration script.
 *
 * @param index
 *            1-based number of the statement in {@code migration.sql}; all actions of a multi-action {@code ALTER TABLE} share
 *            the statement's index
 * @param statement
 *            the statement's SQL text, trimmed (surrounding comments removed), at most 200 characters
 * @param kind
 *            what the change does
 * @param breaking
 *            whether the stable (old) revision may fail against the migrated schema
 * @param reason
 *            a human sentence explaining the classification
 */
public record MigrationChange(int index, String statement, Kind kind, boolean breaking, String reason) {

    public enum Kind {
        ADD_COLUMN,
        CREATE_TABLE,
        CREATE_INDEX,
        DROP_INDEX,
        DATA,
        DROP_COLUMN,
        DROP_TABLE,
        RENAME_COLUMN,
        RENAME_TABLE,
        ALTER_TYPE,
        SET_NOT_NULL,
        ADD_NOT_NULL_COLUMN,
        TRUNCATE,
        DROP_OTHER,
        OTHER;

        /** {@code DROP_COLUMN} -> {@code "DROP COLUMN"}. */
        public String label() {
            return name().replace('_', ' ');
        }
    }

    private static final Pattern UNKNOWN_TYPE = Pattern.compile("statement type ([A-Z][A-Z _]*?)(?: \\(.*\\))? is not known");
    private static final Pattern OBJECT = Pattern.compile(
            "\\b(column|table|tables|index|view|sequence|constraint|object|function|schema)\\s+([^\\s,;:()]+)");

    public MigrationChange {
        Objects.requireNonNull(statement, "statement");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(reason, "reason");
    }

    /**
     * Short label for summaries, e.g. {@code "DROP COLUMN users.verified"} or {@code "GRANT"}; derived from {@link #kind()} and
     * the object named in {@link #reason()}.
     */
    public String label() {
        Matcher unknown = UNKNOWN_TYPE.matcher(reason);
        if (kind == Kind.OTHER && unknown.find()) {
            return unknown.group(1).toUpperCase(Locale.ROOT);
        }
        Matcher object = OBJECT.matcher(reason);
        if (!object.find()) {
            return kind.label();
        }
        if (kind == Kind.OTHER) {
            return reason.split("[;,(]", 2)[0].strip();
        }
        if (kind == Kind.DROP_OTHER) {
            return "DROP " + object.group(1).toUpperCase(Locale.ROOT) + " " + object.group(2);
        }
        return kind.label() + " " + object.group(2);
    }
}
