package dev.avalo.health.gate;

import dev.avalo.health.window.RevisionWindow;

/**
 * What gates are evaluated on: the canary and stable windows (their running totals start at the current stage's start), the end
 * of the evaluated range (exclusive epoch second) and the alert view. {@code stable} may be null.
 */
public record GateContext(RevisionWindow canary, RevisionWindow stable, long end, AlertView alerts) {
}
