package dev.avalo.orchestrator.migration;

/**
 * Thrown by {@link MigrationPolicy#analyse(String)} when {@code migration.sql} is empty or a statement cannot be parsed. The
 * message names the statement number (1-based, counting non-empty statements) and the parser's reason, cut to its first line.
 */
public class MigrationParseException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final int statementNumber;

    /** For errors that concern the whole script (e.g. empty input); {@link #statementNumber()} is 0. */
    public MigrationParseException(String message) {
        this(message, 0, null);
    }

    public MigrationParseException(String message, int statementNumber, Throwable cause) {
        super(message, cause);
        this.statementNumber = statementNumber;
    }

    /** 1-based number of the offending statement, or 0 if the error concerns the whole script. */
    public int statementNumber() {
        return statementNumber;
    }
}
