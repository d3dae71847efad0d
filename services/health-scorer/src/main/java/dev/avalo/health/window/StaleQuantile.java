package dev.avalo.health.window;

import java.util.OptionalDouble;

/**
 * The last latency quantile a {@link RevisionWindow} computed over a range, and when it may be reused instead of merging the
 * range's histograms again: for a range of the same length ending at most {@code maxStaleSeconds} later, except on the window's
 * own refresh second of every {@code maxStaleSeconds + 1}. Without that second every stable window first asked in the same tick
 * (all of them after a scorer restart) recomputed in the same tick ever after: one health tick in six merged every stable's
 * five minutes of histograms, 30 ms more than the others at 10,000 canaries, and the one the young collections tended to land
 * in. With it a sixth of the windows recompute in each tick.
 */
final class StaleQuantile {

    /** This window's offset among the refresh seconds. */
    private final int refreshPhase;
    private double value = Double.NaN;
    private double q = Double.NaN;
    private long from;
    private long to;

    /**
     * @param spreadSeed
     *            windows with different seeds (a service's, environment's and revision's names) refresh on different seconds
     */
    StaleQuantile(int spreadSeed) {
        this.refreshPhase = refreshPhase(spreadSeed);
    }

    /** A window's offset for recomputing its reference quantile, spread over the seeds (a multiplicative hash's high bits). */
    static int refreshPhase(int spreadSeed) {
        return (int) ((spreadSeed * 0x9E3779B97F4A7C15L) >>> 33);
    }

    /** Whether the stored quantile {@code q} may stand for {@code [from, to)}. */
    boolean reusable(double q, long from, long to, int maxStaleSeconds) {
        long age = to - this.to;
        return q == this.q && to - from == this.to - this.from && age >= 0 && age <= maxStaleSeconds
                && (age == 0 || Math.floorMod(to + refreshPhase, maxStaleSeconds + 1L) != 0);
    }

    /** The stored quantile (empty: no timed requests in its range). */
    OptionalDouble value() {
        return Double.isNaN(value) ? OptionalDouble.empty() : OptionalDouble.of(value);
    }

    void store(double q, long from, long to, OptionalDouble v) {
        this.q = q;
        this.from = from;
        this.to = to;
        this.value = v.isPresent() ? v.getAsDouble() : Double.NaN;
    }
}
