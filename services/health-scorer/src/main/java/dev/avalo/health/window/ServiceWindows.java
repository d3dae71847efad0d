package dev.avalo.health.window;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import org.HdrHistogram.Histogram;

/**
 * The windows of one service in one environment: one {@link RevisionWindow} per revision seen, and the stable's baseline
 * captured when a deployment started. State is partitioned by service so that scale-out can shard on it. Not thread-safe.
 */
public final class ServiceWindows {

    private final String service;
    private final String environment;
    private final int retentionSeconds;
    private final Map<String, RevisionWindow> revisions = new HashMap<>();
    private Baseline baseline;

    public ServiceWindows(String service, String environment, int retentionSeconds) {
        this.service = service;
        this.environment = environment;
        this.retentionSeconds = retentionSeconds;
    }

    public String service() {
        return service;
    }

    public String environment() {
        return environment;
    }

    /** More revisions than this at once for one service is not a deployment but a mistake or an attack. */
    public static final int MAX_REVISIONS = 16;

    /**
     * The window of {@code revision}, created on first use.
     *
     * @throws dev.avalo.health.source.InvalidSampleException
     *             when the service already has {@value #MAX_REVISIONS} revisions with data
     */
    public RevisionWindow revision(String revision) {
        RevisionWindow w = revisions.get(revision);
        if (w == null) {
            if (revisions.size() >= MAX_REVISIONS) {
                throw new dev.avalo.health.source.InvalidSampleException("revision", service + "/" + environment
                        + " already has " + MAX_REVISIONS + " revisions with data in the last "
                        + retentionSeconds / 60 + " minutes");
            }
            // seeded by the whole name, so that the stable windows of many services (all "stable" in the benchmarks) spread
            w = new RevisionWindow(revision, retentionSeconds,
                    (service + '\u0000' + environment + '\u0000' + revision).hashCode());
            revisions.put(revision, w);
        }
        return w;
    }

    /** The window of {@code revision} if any data arrived for it. */
    public RevisionWindow existing(String revision) {
        return revision == null ? null : revisions.get(revision);
    }

    public Collection<RevisionWindow> revisions() {
        return revisions.values();
    }

    /** Merges one router's sample into its revision's second. */
    public boolean addRouter(String revision, Instant windowStart, long requests, long errors, long s5xx, Histogram latency,
            long connections, long users) {
        return revision(revision).addRouter(windowStart.getEpochSecond(), requests, errors, s5xx, latency, connections,
                users);
    }

    /** Adds a pushed metric. */
    public boolean addCustom(String revision, Instant at, String name, MetricKind kind, double value) {
        return revision(revision).addCustom(at.getEpochSecond(), name, kind, value);
    }

    /**
     * Captures the stable's baseline over the {@code seconds} before {@code deploymentStart}, unless one was already captured
     * for that start.
     */
    public Baseline captureBaseline(String stableRevision, Instant deploymentStart, int seconds) {
        if (baseline != null && baseline.to().equals(Instant.ofEpochSecond(deploymentStart.getEpochSecond()))
                && baseline.revision().equals(stableRevision)) {
            return baseline;
        }
        long to = deploymentStart.getEpochSecond();
        baseline = Baseline.capture(revision(stableRevision), to - seconds, to);
        return baseline;
    }

    /** The last captured baseline, or null. */
    public Baseline baseline() {
        return baseline;
    }

    /** Drops revisions with no data for longer than the retention, other than {@code keep}. */
    public void evictIdle(long nowSecond, java.util.Set<String> keep) {
        revisions.entrySet().removeIf(e -> !keep.contains(e.getKey())
                && e.getValue().newestSecond() < nowSecond - retentionSeconds);
    }

    /**
     * Drops revisions with no data for longer than the retention, other than {@code keep} and {@code keepToo} (may be null).
     */
    public void evictIdle(long nowSecond, String keep, String keepToo) {
        for (RevisionWindow w : revisions.values()) {
            if (w.newestSecond() < nowSecond - retentionSeconds && !w.revision().equals(keep)
                    && !w.revision().equals(keepToo)) {
                revisions.values().removeIf(r -> r.newestSecond() < nowSecond - retentionSeconds
                        && !r.revision().equals(keep) && !r.revision().equals(keepToo));
                return;
            }
        }
    }
}
