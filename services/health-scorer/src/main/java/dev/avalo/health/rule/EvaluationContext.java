package dev.avalo.health.rule;

import dev.avalo.health.window.Baseline;
import dev.avalo.health.window.RevisionWindow;
import dev.avalo.health.window.ServiceWindows;

/**
 * What rules are evaluated against: a service's windows, the canary and stable revisions, the canary's traffic share (0–1), the
 * pre-deployment baseline (may be null) and the end of the evaluated range ({@code end} exclusive, epoch seconds: the last
 * complete second + 1).
 */
public record EvaluationContext(ServiceWindows windows, String canary, String stable, double canaryShare, Baseline baseline,
        long end) {

    /** The canary's window, or null when nothing arrived for it yet. */
    public RevisionWindow canaryWindow() {
        return windows.existing(canary);
    }

    /** The stable's window, or null. */
    public RevisionWindow stableWindow() {
        return windows.existing(stable);
    }
}
