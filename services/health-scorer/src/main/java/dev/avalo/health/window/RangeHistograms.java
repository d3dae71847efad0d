package dev.avalo.health.window;

import org.HdrHistogram.Histogram;

/**
 * A few merged latency histograms of recently asked second ranges {@code [from, to)}, for {@link RevisionWindow}: an asked
 * range is answered from the cache, by moving a cached range of the same length (a window sliding on) or start (a stage
 * growing) second by second, or by rebuilding the least recently used one. The seconds come from the window through
 * {@link Seconds}; the window reports seconds that arrive late or leave the ring with {@link #changed}, so every cached
 * histogram stays equal to a fresh merge of the seconds its range still holds. Not thread-safe, like its window.
 */
final class RangeHistograms {

    /** Adds ({@code sign} 1) or removes (-1) the latency buckets of the held seconds of {@code [from, to)} to {@code h}. */
    @FunctionalInterface
    interface Seconds {
        void add(Histogram h, long from, long to, int sign);
    }

    /** A merged latency histogram of the seconds of {@code [from, to)} still held by their slot. */
    private static final class Range {
        long from;
        long to;
        long lastUse;
        final Histogram histogram = Histograms.create();
    }

    private final Range[] ranges;
    private final Seconds seconds;
    private long uses;

    RangeHistograms(int capacity, Seconds seconds) {
        this.ranges = new Range[capacity];
        this.seconds = seconds;
    }

    /**
     * The second {@code epochSecond} gained ({@code sign} 1) or lost (-1) the {@link SparseLatency} bucket list at
     * {@code b[at]}.
     */
    void changed(long epochSecond, long[] b, int at, int sign) {
        for (Range r : ranges) {
            if (r != null && epochSecond >= r.from && epochSecond < r.to) {
                SparseLatency.addTo(b, at, r.histogram, sign);
            }
        }
    }

    /** The merged histogram of {@code [from, to)} (no longer than the ring), from the cache, moved or rebuilt. */
    Histogram get(long from, long to) {
        uses++;
        Range best = null;
        long bestCost = Long.MAX_VALUE;
        for (Range r : ranges) {
            if (r == null) {
                continue;
            }
            if (r.from == from && r.to == to) {
                r.lastUse = uses;
                return r.histogram;
            }
            // move a cached range that has the same length (a window sliding on) or start (a stage growing)
            boolean sameShape = r.to - r.from == to - from || r.from == from;
            long cost = Math.abs(from - r.from) + Math.abs(to - r.to);
            if (sameShape && cost < (to - from) / 2 && cost < bestCost) {
                best = r;
                bestCost = cost;
            }
        }
        if (best != null) {
            move(best, from, to);
            best.lastUse = uses;
            return best.histogram;
        }
        Range free = null;
        for (int k = 0; k < ranges.length; k++) {
            if (ranges[k] == null) {
                free = ranges[k] = new Range();
                break;
            }
            if (free == null || ranges[k].lastUse < free.lastUse) {
                free = ranges[k];
            }
        }
        free.histogram.reset();
        free.from = from;
        free.to = from;
        seconds.add(free.histogram, from, to, 1);
        free.to = to;
        free.lastUse = uses;
        return free.histogram;
    }

    private void move(Range r, long from, long to) {
        // leaving seconds out, entering seconds in; the two ranges overlap
        seconds.add(r.histogram, r.from, Math.min(r.to, from), -1);
        seconds.add(r.histogram, Math.max(r.from, to), r.to, -1);
        seconds.add(r.histogram, from, Math.min(to, r.from), 1);
        seconds.add(r.histogram, Math.max(from, r.to), to, 1);
        r.from = from;
        r.to = to;
    }
}
