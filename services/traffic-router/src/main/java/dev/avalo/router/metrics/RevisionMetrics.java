package dev.avalo.router.metrics;

import java.util.concurrent.atomic.AtomicLongArray;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;
import org.HdrHistogram.WriterReaderPhaser;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.Union;

import dev.avalo.router.route.StickyHash;

/**
 * The figures of one (service, revision, role) on the hot path, without locks or contended atomics: per event-loop slot (a slot
 * is written by its event loop only) a row of cumulative counters (single-writer: a plain read and a release store, no
 * read-modify-write), one single-writer HdrHistogram recorder and one HLL sketch, swapped out by the sampler through a
 * {@link WriterReaderPhaser}. Readers sum the rows. {@link #interval()} is called by one sampling thread at a time.
 */
public final class RevisionMetrics {

    /** HLL precision: 2^12 buckets, about 1.6 % relative error, 2.5 KB per sketch. */
    static final int LG_K = 12;
    private static final int SIGNIFICANT_DIGITS = 3;

    private final String service;
    private final String revision;
    private final String role;

    // counter columns of a slot's row; a row is 16 longs (128 bytes) so that two event loops never share a cache line
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

    private final SingleWriterRecorder[] latency;
    private volatile double lastP50Seconds = Double.NaN;
    private volatile double lastP99Seconds = Double.NaN;

    private final UserSketches[] users;

    // sampler state (one sampling thread at a time)
    private final Histogram[] recycled;
    private final Histogram merged = new Histogram(SIGNIFICANT_DIGITS);
    private final Union union = new Union(LG_K);
    private long lastRequests, lastErrors, last2xx, last3xx, last4xx, last5xx;

    RevisionMetrics(String service, String revision, String role, int slots) {
        this.service = service;
        this.revision = revision;
        this.role = role;
        this.slots = slots;
        // one spare row in front, so slot 0's row does not share a line with the array header
        this.counters = new AtomicLongArray((slots + 1) * ROW);
        this.latency = new SingleWriterRecorder[slots];
        this.recycled = new Histogram[slots];
        this.users = new UserSketches[slots];
        for (int i = 0; i < slots; i++) {
            latency[i] = new SingleWriterRecorder(SIGNIFICANT_DIGITS);
            users[i] = new UserSketches();
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

    /** Counts {@code identity} as a user of this revision; {@code slot} is the caller's event-loop slot. */
    public void user(int slot, String identity) {
        user(slot, StickyHash.hash(identity));
    }

    /** Counts the user whose {@link StickyHash#hash identity hash} is {@code identityHash}. */
    public void user(int slot, long identityHash) {
        UserSketches u = users[slot];
        long phase = u.phaser.writerCriticalSectionEnter();
        try {
            u.active.update(identityHash);
        } finally {
            u.phaser.writerCriticalSectionExit(phase);
        }
    }

    /**
     * A request to this revision completed with {@code status} (the status sent downstream) after {@code micros}.
     * {@code proxyError} marks a failure of the exchange itself (upstream unreachable, timed out, reset mid-body), counted as
     * an error whatever the status.
     */
    public void completed(int slot, int status, long micros, boolean proxyError) {
        long us = Math.max(0, micros);
        switch (status / 100) {
            case 2 -> increment(slot, S2XX, 1);
            case 3 -> increment(slot, S3XX, 1);
            case 4 -> increment(slot, S4XX, 1);
            case 5 -> increment(slot, S5XX, 1);
            default -> {
            }
        }
        if (proxyError || status >= 500) {
            increment(slot, ERRORS, 1);
        }
        increment(slot, LATENCY_MICROS, us);
        latency[slot].recordValue(us);
        // last: a reader that sees the request counted sees its status and latency too (within the slot's row)
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

    /** The figures since the previous call; resets the interval histogram and sketches. */
    Interval interval() {
        long r = sum(REQUESTS);
        long e = sum(ERRORS);
        long c2 = sum(S2XX);
        long c3 = sum(S3XX);
        long c4 = sum(S4XX);
        long c5 = sum(S5XX);
        Interval interval;
        merged.reset();
        for (int i = 0; i < latency.length; i++) {
            recycled[i] = latency[i].getIntervalHistogram(recycled[i]);
            merged.add(recycled[i]);
        }
        union.reset();
        for (UserSketches u : users) {
            HllSketch old = u.swap();
            if (!old.isEmpty()) {
                union.update(old);
            }
            old.reset();
        }
        long distinctUsers = union.isEmpty() ? 0 : Math.round(union.getEstimate());
        if (merged.getTotalCount() > 0) {
            lastP50Seconds = merged.getValueAtPercentile(50) / 1e6;
            lastP99Seconds = merged.getValueAtPercentile(99) / 1e6;
        }
        interval = new Interval(r - lastRequests, e - lastErrors, c2 - last2xx, c3 - last3xx, c4 - last4xx, c5 - last5xx,
                merged, inFlight(), distinctUsers);
        lastRequests = r;
        lastErrors = e;
        last2xx = c2;
        last3xx = c3;
        last4xx = c4;
        last5xx = c5;
        return interval;
    }

    /** One slot's distinct-user sketches: the active one its event loop writes, the other one the sampler reads. */
    private static final class UserSketches {
        final WriterReaderPhaser phaser = new WriterReaderPhaser();
        volatile HllSketch active = new HllSketch(LG_K);
        private HllSketch inactive = new HllSketch(LG_K);

        /** Swaps the sketches; returns the one written until now (the writer no longer touches it). */
        HllSketch swap() {
            phaser.readerLock();
            try {
                HllSketch old = active;
                active = inactive;
                phaser.flipPhase();
                inactive = old;
                return old;
            } finally {
                phaser.readerUnlock();
            }
        }
    }

    /**
     * One interval's figures; {@code latency} is the sampler's reused histogram, valid until the next {@link #interval()}.
     */
    record Interval(long requests, long errors, long s2xx, long s3xx, long s4xx, long s5xx, Histogram latency,
            long inFlight, long users) {
    }
}
