package dev.avalo.health.verdict;

import dev.avalo.contracts.health.Verdict;

/** Verdicts are ordered best to worst; combining takes the worst. */
public final class Verdicts {

    private Verdicts() {
    }

    /** The worse of two verdicts (PROCEED &lt; CONTINUE &lt; INSUFFICIENT_DATA &lt; PAUSE &lt; ROLLBACK). */
    public static Verdict worst(Verdict a, Verdict b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }
}
