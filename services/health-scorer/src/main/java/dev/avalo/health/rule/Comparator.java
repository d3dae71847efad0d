package dev.avalo.health.rule;

/** A comparison in a rule, written as in the rule language. */
public enum Comparator {
    GT(">"),
    GE(">="),
    LT("<"),
    LE("<="),
    EQ("=="),
    NE("!=");

    private final String symbol;

    Comparator(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }

    /** {@code observed <op> threshold}. */
    public boolean test(double observed, double threshold) {
        return switch (this) {
            case GT -> observed > threshold;
            case GE -> observed >= threshold;
            case LT -> observed < threshold;
            case LE -> observed <= threshold;
            case EQ -> observed == threshold;
            case NE -> observed != threshold;
        };
    }

    /** True for {@code >} and {@code >=}: a breach means "too high". */
    public boolean isUpper() {
        return this == GT || this == GE;
    }

    /** True for {@code <} and {@code <=}: a breach means "too low". */
    public boolean isLower() {
        return this == LT || this == LE;
    }

    static Comparator fromSymbol(String symbol) {
        for (Comparator c : values()) {
            if (c.symbol.equals(symbol)) {
                return c;
            }
        }
        return null;
    }
}
