package dev.avalo.health.rule;

import dev.avalo.health.window.Baseline;
import dev.avalo.health.window.RevisionWindow;
import dev.avalo.health.window.ServiceWindows;

/**
 * What rules are evaluated against: a service's windows, the canary and stable revisions, the canary's traffic share (0–1), the
 * pre-deployment baseline (may be null) and the end of the evaluated range ({@code end} exclusive, epoch seconds: the last
 * complete second + 1).
 * <p>
 * A context serves one round of rules: the two windows are looked up once, by the first rule that asks (every rule asks for the
 * canary's, and a service's windows are a map by revision name), and kept. Not thread-safe, like the windows.
 */
public final class EvaluationContext {

    private final ServiceWindows windows;
    private final String canary;
    private final String stable;
    private final double canaryShare;
    private final Baseline baseline;
    private final long end;
    private RevisionWindow canaryWindow;
    private RevisionWindow stableWindow;

    public EvaluationContext(ServiceWindows windows, String canary, String stable, double canaryShare, Baseline baseline,
            long end) {
        this.windows = windows;
        this.canary = canary;
        this.stable = stable;
        this.canaryShare = canaryShare;
        this.baseline = baseline;
        this.end = end;
    }

    public ServiceWindows windows() {
        return windows;
    }

    public String canary() {
        return canary;
    }

    public String stable() {
        return stable;
    }

    public double canaryShare() {
        return canaryShare;
    }

    public Baseline baseline() {
        return baseline;
    }

    public long end() {
        return end;
    }

    /** The canary's window, or null when nothing arrived for it yet. */
    public RevisionWindow canaryWindow() {
        RevisionWindow w = canaryWindow;
        if (w == null) {
            w = canaryWindow = windows.existing(canary);
        }
        return w;
    }

    /** The stable's window, or null. */
    public RevisionWindow stableWindow() {
        RevisionWindow w = stableWindow;
        if (w == null) {
            w = stableWindow = windows.existing(stable);
        }
        return w;
    }
}
