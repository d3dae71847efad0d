package dev.avalo.router.metrics;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;
import org.HdrHistogram.WriterReaderPhaser;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.Union;

import io.micrometer.core.instrument.Timer;

/**
 * The figures of one (service, revision, role) on the hot path, without locks: cumulative {@link LongAdder}s, one single-writer
 * HdrHistogram recorder and one HLL sketch per event-loop slot (a slot is written by its event loop only), swapped out by the
 * sampler through a {@link WriterReaderPhaser}. {@link #interval()} is called by one sampling thread at a time.
 */
public final class RevisionMetrics {

    /** HLL precision: 2^12 buckets, about 1.6 % relative error, 2.5 KB per sketch. */
    static final int LG_K = 12;
    private static final int SIGNIFICANT_DIGITS = 3;

    private final String service;
    private final String revision;
    private final String role;

    final LongAdder requests = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder s2xx = new LongAdder();
    final LongAdder s3xx = new LongAdder();
    final LongAdder s4xx = new LongAdder();
    final LongAdder s5xx = new LongAdder();
    final LongAdder inFlight = new LongAdder();

    private final SingleWriterRecorder[] latency;
    private final Timer timer;

    private final WriterReaderPhaser usersPhaser = new WriterReaderPhaser();
    private volatile HllSketch[] activeUsers;
    private HllSketch[] inactiveUsers;

    // sampler state (one sampling thread at a time)
    private final Histogram[] recycled;
    private final Histogram merged = new Histogram(SIGNIFICANT_DIGITS);
    private final Union union = new Union(LG_K);
    private long lastRequests, lastErrors, last2xx, last3xx, last4xx, last5xx;

    RevisionMetrics(String service, String revision, String role, int slots, Timer timer) {
        this.service = service;
        this.revision = revision;
        this.role = role;
        this.timer = timer;
        this.latency = new SingleWriterRecorder[slots];
        this.recycled = new Histogram[slots];
        HllSketch[] a = new HllSketch[slots];
        HllSketch[] b = new HllSketch[slots];
        for (int i = 0; i < slots; i++) {
            latency[i] = new SingleWriterRecorder(SIGNIFICANT_DIGITS);
            a[i] = new HllSketch(LG_K);
            b[i] = new HllSketch(LG_K);
        }
        this.activeUsers = a;
        this.inactiveUsers = b;
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

    /** A request was routed to this revision (call {@link #completed} exactly once for it later). */
    public void started() {
        inFlight.increment();
    }

    /** Counts {@code identity} as a user of this revision; {@code slot} is the caller's event-loop slot. */
    public void user(int slot, String identity) {
        long phase = usersPhaser.writerCriticalSectionEnter();
        try {
            activeUsers[slot].update(identity);
        } finally {
            usersPhaser.writerCriticalSectionExit(phase);
        }
    }

    /**
     * A request to this revision completed with {@code status} (the status sent downstream) after {@code micros}.
     * {@code proxyError} marks a failure of the exchange itself (upstream unreachable, timed out, reset mid-body), counted as
     * an error whatever the status.
     */
    public void completed(int slot, int status, long micros, boolean proxyError) {
        inFlight.decrement();
        requests.increment();
        switch (status / 100) {
            case 2 -> s2xx.increment();
            case 3 -> s3xx.increment();
            case 4 -> s4xx.increment();
            case 5 -> s5xx.increment();
            default -> {
            }
        }
        if (proxyError || status >= 500) {
            errors.increment();
        }
        latency[slot].recordValue(Math.max(0, micros));
        if (timer != null) {
            timer.record(micros, TimeUnit.MICROSECONDS);
        }
    }

    /** Requests in flight now. */
    public long inFlight() {
        return Math.max(0, inFlight.sum());
    }

    /** Cumulative requests (for Micrometer function counters). */
    public long totalRequests() {
        return requests.sum();
    }

    /** Cumulative errors. */
    public long totalErrors() {
        return errors.sum();
    }

    /** Cumulative responses of status class {@code cls} ({@code 2xx} … {@code 5xx}). */
    public long statusCount(String cls) {
        return switch (cls) {
            case "2xx" -> s2xx.sum();
            case "3xx" -> s3xx.sum();
            case "4xx" -> s4xx.sum();
            case "5xx" -> s5xx.sum();
            default -> 0;
        };
    }

    /** The figures since the previous call; resets the interval histogram and sketches. */
    Interval interval() {
        long r = requests.sum();
        long e = errors.sum();
        long c2 = s2xx.sum();
        long c3 = s3xx.sum();
        long c4 = s4xx.sum();
        long c5 = s5xx.sum();
        Interval interval;
        merged.reset();
        for (int i = 0; i < latency.length; i++) {
            recycled[i] = latency[i].getIntervalHistogram(recycled[i]);
            merged.add(recycled[i]);
        }
        HllSketch[] old;
        usersPhaser.readerLock();
        try {
            old = activeUsers;
            activeUsers = inactiveUsers;
            usersPhaser.flipPhase();
        } finally {
            usersPhaser.readerUnlock();
        }
        union.reset();
        for (HllSketch s : old) {
            if (!s.isEmpty()) {
                union.update(s);
            }
            s.reset();
        }
        inactiveUsers = old;
        long users = union.isEmpty() ? 0 : Math.round(union.getEstimate());
        interval = new Interval(r - lastRequests, e - lastErrors, c2 - last2xx, c3 - last3xx, c4 - last4xx, c5 - last5xx,
                merged, inFlight(), users);
        lastRequests = r;
        lastErrors = e;
        last2xx = c2;
        last3xx = c3;
        last4xx = c4;
        last5xx = c5;
        return interval;
    }

    /**
     * One interval's figures; {@code latency} is the sampler's reused histogram, valid until the next {@link #interval()}.
     */
    record Interval(long requests, long errors, long s2xx, long s3xx, long s4xx, long s5xx, Histogram latency,
            long inFlight, long users) {
    }
}
