package dev.avalo.router.metrics;

import java.util.concurrent.atomic.AtomicLongArray;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.WriterReaderPhaser;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.Union;

import dev.avalo.router.route.StickyHash;

/**
 * The figures of one (service, revision, role) on the hot path, without locks or contended atomics. Per event-loop slot (a slot
 * is written by its event loop only):
 * <ul>
 * <li>a row of cumulative counters for Micrometer and in-flight (single-writer: a plain read and a release store, no
 * read-modify-write; readers sum the rows);</li>
 * <li>the current window: request, error and status counts, an HdrHistogram of latencies and an HLL sketch of users, all
 * written inside one {@link WriterReaderPhaser} critical section of that slot and swapped out whole by the sampler, so that a
 * sample's counts, histogram and users always describe exactly the same requests.</li>
 * </ul>
 * {@link #interval()} is called by one sampling thread at a time.
 */
public final class RevisionMetrics {

    /** HLL precision: 2^12 buckets, about 1.6 % relative error, 2.5 KB per sketch. */
    static final int LG_K = 12;
    /**
     * 1 % resolution, what the health-scorer keeps of every histogram it merges (its decisions need no finer): 256 counts per
     * power of two instead of 2,048, so the sampler's per-second passes over each window's counts (merge, reset, encode) touch
     * an eighth of the memory, on a core the data plane may share.
     */
    static final int SIGNIFICANT_DIGITS = 2;

    private final String service;
    private final String revision;
    private final String role;

    // cumulative counter columns of a slot's row; a row is 16 longs (128 bytes) so that two event loops never share a line
    private static final int STARTED = 0;
    private static final int REQUESTS = 1;
    private static final int ERRORS = 2;
    private static final int S2XX = 3;
    private static final int S3XX = 4;
    private static final int S4XX = 5;
    private static final int S5XX = 6;
    private static final int LATENCY_MICROS = 7;
    private static final int ROW = 16;
    private final AtomicLongArray counters;
    private final int slots;
    private final Slot[] windows;

    private volatile double lastP50Seconds = Double.NaN;
    private volatile double lastP99Seconds = Double.NaN;

    // sampler state (one sampling thread at a time)
    private final Histogram merged = new Histogram(SIGNIFICANT_DIGITS);
    private final Union union = new Union(LG_K);

    RevisionMetrics(String service, String revision, String role, int slots) {
        this.service = service;
        this.revision = revision;
        this.role = role;
        this.slots = slots;
        // one spare row in front, so slot 0's row does not share a line with the array header
        this.counters = new AtomicLongArray((slots + 1) * ROW);
        this.windows = new Slot[slots];
        for (int i = 0; i < slots; i++) {
            windows[i] = new Slot();
        }
    }

    public String service() {
        return service;
    }

    public String revision() {
        return revision;
    }

    public String role() {
        return role;
    }

    /** A request was routed to this revision by event-loop {@code slot} (call {@link #completed} exactly once later). */
    public void started(int slot) {
        increment(slot, STARTED, 1);
    }

    /** Adds to a counter of {@code slot}'s row; only that slot's event loop writes the row. */
    private void increment(int slot, int column, long delta) {
        int i = (slot + 1) * ROW + column;
        counters.setRelease(i, counters.getPlain(i) + delta);
    }

    private long sum(int column) {
        long total = 0;
        for (int s = 0; s < slots; s++) {
            total += counters.getAcquire((s + 1) * ROW + column);
        }
        return total;
    }

    /**
     * A request to this revision completed with {@code status} (the status sent downstream) after {@code micros}.
     * {@code proxyError} marks a failure of the exchange itself (upstream unreachable, timed out, reset mid-body), counted as
     * an error whatever the status.
     */
    public void completed(int slot, int status, long micros, boolean proxyError) {
        completed(slot, status, micros, proxyError, false, 0);
    }

    /**
     * As {@link #completed(int, int, long, boolean)}, also counting the request's user (when {@code hasUser}, by its
     * {@link StickyHash#hash identity hash}) in the same window as the request: one critical section per request.
     */
    public void completed(int slot, int status, long micros, boolean proxyError, boolean hasUser, long identityHash) {
        long us = Math.max(0, micros);
        boolean error = proxyError || status >= 500;
        int cls = status / 100;
        Slot s = windows[slot];
        long phase = s.phaser.writerCriticalSectionEnter();
        try {
            Window w = s.active;
            w.record(cls, error, us);
            if (hasUser) {
                w.users.update(identityHash);
            }
        } finally {
            s.phaser.writerCriticalSectionExit(phase);
        }
        switch (cls) {
            case 2 -> increment(slot, S2XX, 1);
            case 3 -> increment(slot, S3XX, 1);
            case 4 -> increment(slot, S4XX, 1);
            case 5 -> increment(slot, S5XX, 1);
            default -> {
            }
        }
        if (error) {
            increment(slot, ERRORS, 1);
        }
        increment(slot, LATENCY_MICROS, us);
        increment(slot, REQUESTS, 1);
    }

    /** Requests in flight now. */
    public long inFlight() {
        long done = sum(REQUESTS);
        return Math.max(0, sum(STARTED) - done);
    }

    /** Cumulative requests (for Micrometer function counters). */
    public long totalRequests() {
        return sum(REQUESTS);
    }

    /** Cumulative errors. */
    public long totalErrors() {
        return sum(ERRORS);
    }

    /** Cumulative latency of the completed requests, in microseconds (for a Micrometer function timer). */
    public double totalLatencyMicros() {
        return sum(LATENCY_MICROS);
    }

    /** The median latency of the last sampled interval in seconds, NaN before the first sample with requests. */
    public double lastP50Seconds() {
        return lastP50Seconds;
    }

    /** The 99th percentile latency of the last sampled interval in seconds, NaN before the first sample with requests. */
    public double lastP99Seconds() {
        return lastP99Seconds;
    }

    /** Cumulative responses of status class {@code cls} ({@code 2xx} … {@code 5xx}). */
    public long statusCount(String cls) {
        return switch (cls) {
            case "2xx" -> sum(S2XX);
            case "3xx" -> sum(S3XX);
            case "4xx" -> sum(S4XX);
            case "5xx" -> sum(S5XX);
            default -> 0;
        };
    }

    /**
     * The figures since the previous call. Each slot's window is swapped out and read here, and cleared at the next call
     * (before it is swapped back in): so when only one window holds requests, as always with one event loop, the interval is
     * that window itself, its histogram and sketch read in place, with no merge into the sampler's copies (two passes over a
     * histogram's counts and an HLL union fewer, on a core the data plane may share). Otherwise the busy windows are merged
     * into {@link #merged} and {@link #union}. Only what was written is cleared: a window without requests (nothing recorded in
     * it, its histogram and sketch still clear) is not reset, and the merged histogram and union only when they hold something,
     * so an idle revision costs no pass over its histograms' counts arrays.
     * <p>
     * The result's histogram is the window's or the sampler's, valid until the next call. Its counts are exactly those of
     * merging every window; its users are the sketch's own estimate with one busy window, the union's with several (both the
     * library's estimates of the same users, within the sketch's error).
     */
    Interval interval() {
        long requests = 0;
        long errors = 0;
        long c2 = 0;
        long c3 = 0;
        long c4 = 0;
        long c5 = 0;
        Window only = null;
        int busy = 0;
        for (Slot slot : windows) {
            // the window read at the previous call: encoded since, so cleared now, before it is swapped back in
            slot.inactive.clearIfWritten();
            Window w = slot.swap();
            if (w.requests == 0) {
                // every write to a window counts a request first, so this one is as its last reset left it
                continue;
            }
            busy++;
            only = w;
            requests += w.requests;
            errors += w.errors;
            c2 += w.s2xx;
            c3 += w.s3xx;
            c4 += w.s4xx;
            c5 += w.s5xx;
        }
        Histogram latency;
        long distinctUsers;
        if (busy == 1) {
            latency = only.latency;
            distinctUsers = only.users.isEmpty() ? 0 : Math.round(only.users.getEstimate());
        } else {
            if (merged.getTotalCount() > 0) {
                merged.reset();
            }
            if (!union.isEmpty()) {
                union.reset();
            }
            for (Slot slot : windows) {
                Window w = slot.inactive;
                if (w.requests == 0) {
                    continue;
                }
                merged.add(w.latency);
                if (!w.users.isEmpty()) {
                    union.update(w.users);
                }
            }
            latency = merged;
            distinctUsers = union.isEmpty() ? 0 : Math.round(union.getEstimate());
        }
        if (latency.getTotalCount() > 0) {
            lastP50Seconds = latency.getValueAtPercentile(50) / 1e6;
            lastP99Seconds = latency.getValueAtPercentile(99) / 1e6;
        }
        return new Interval(requests, errors, c2, c3, c4, c5, latency, inFlight(), distinctUsers);
    }

    /** One slot's current window (written by its event loop) and the spare one (the sampler's, between swaps). */
    private static final class Slot {
        final WriterReaderPhaser phaser = new WriterReaderPhaser();
        volatile Window active = new Window();
        /** The sampler's: the window last swapped out, read until the next {@link #interval()} clears it. */
        Window inactive = new Window();

        /** Swaps the windows; returns the one written until now, which no writer touches any more. */
        Window swap() {
            phaser.readerLock();
            try {
                Window old = active;
                active = inactive;
                phaser.flipPhase();
                inactive = old;
                return old;
            } finally {
                phaser.readerUnlock();
            }
        }
    }

    /** The figures of one slot for one window. */
    private static final class Window {
        final Histogram latency = new Histogram(SIGNIFICANT_DIGITS);
        final HllSketch users = new HllSketch(LG_K);
        long requests;
        long errors;
        long s2xx;
        long s3xx;
        long s4xx;
        long s5xx;

        void record(int statusClass, boolean error, long micros) {
            requests++;
            switch (statusClass) {
                case 2 -> s2xx++;
                case 3 -> s3xx++;
                case 4 -> s4xx++;
                case 5 -> s5xx++;
                default -> {
                }
            }
            if (error) {
                errors++;
            }
            latency.recordValue(micros);
        }

        /** Clears what was written since the last clear; a window that counted no request is clear already. */
        void clearIfWritten() {
            if (requests != 0) {
                reset();
            }
        }

        void reset() {
            requests = 0;
            errors = 0;
            s2xx = 0;
            s3xx = 0;
            s4xx = 0;
            s5xx = 0;
            latency.reset();
            users.reset();
        }
    }

    /**
     * One interval's figures; {@code latency} is a window's or the sampler's histogram, valid until the next
     * {@link #interval()}.
     */
    record Interval(long requests, long errors, long s2xx, long s3xx, long s4xx, long s5xx, Histogram latency,
            long inFlight, long users) {
    }
}
