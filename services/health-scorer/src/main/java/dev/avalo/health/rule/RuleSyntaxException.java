package dev.avalo.health.rule;

/** A rule expression that does not parse or does not make sense; says where (1-based column) and what was expected. */
public final class RuleSyntaxException extends IllegalArgumentException {

    private final int column;
    private final String expected;
    private final String found;

    public RuleSyntaxException(int column, String expected, String found) {
        super("at column " + column + ": expected " + expected + ", found " + found);
        this.column = column;
        this.expected = expected;
        this.found = found;
    }

    /** 1-based column of the offending token. */
    public int column() {
        return column;
    }

    public String expected() {
        return expected;
    }

    public String found() {
        return found;
    }
}
