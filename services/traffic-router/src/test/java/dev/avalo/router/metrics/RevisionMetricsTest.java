package dev.avalo.router.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.Union;
import org.junit.jupiter.api.Test;

import dev.avalo.router.route.StickyHash;

/** Interval figures without Quarkus: deltas, histogram, sketch, several writers. */
class RevisionMetricsTest {

    @Test
    void intervalsAreDeltasAndResetHistogramAndUsers() {
        ProxyMetrics metrics = new ProxyMetrics(2, null);
        RevisionMetrics m = metrics.of("chat-api", "chat-api-v2", "canary");
        for (int i = 0; i < 100; i++) {
            m.started(0);
            m.completed(i % 2, i < 90 ? 200 : i < 95 ? 404 : 502, 1000 + i, false, true, StickyHash.hash("user-" + (i % 40)));
        }
        m.started(0);
        RevisionMetrics.Interval first = m.interval();
        assertThat(first.requests()).isEqualTo(100);
        assertThat(first.errors()).isEqualTo(5);
        assertThat(first.s2xx()).isEqualTo(90);
        assertThat(first.s4xx()).isEqualTo(5);
        assertThat(first.s5xx()).isEqualTo(5);
        assertThat(first.latency().getTotalCount()).isEqualTo(100);
        // the largest value, 1099 µs, at the histogram's 1 % resolution
        assertThat(first.latency().getMaxValue()).isBetween(1099L, 1110L);
        assertThat(first.users()).isEqualTo(40);
        assertThat(first.inFlight()).isEqualTo(1);

        m.completed(0, 200, 5, true);
        RevisionMetrics.Interval second = m.interval();
        assertThat(second.requests()).isEqualTo(1);
        assertThat(second.errors()).isEqualTo(1);
        assertThat(second.latency().getTotalCount()).isEqualTo(1);
        assertThat(second.users()).isZero();
        assertThat(second.inFlight()).isZero();
        assertThat(m.totalRequests()).isEqualTo(101);
    }

    @Test
    void usersCountedWithTheirCompletedRequestsFallInThatRequestsWindow() {
        ProxyMetrics metrics = new ProxyMetrics(2, null);
        RevisionMetrics m = metrics.of("chat-api", "chat-api-v2", "canary");
        for (int i = 0; i < 60; i++) {
            m.started(i % 2);
            // 30 requests of 15 distinct users, 30 without an identity
            m.completed(i % 2, 200, 100, false, i < 30, StickyHash.hash("user-" + (i % 15)));
        }
        m.started(0);
        RevisionMetrics.Interval first = m.interval();
        assertThat(first.requests()).isEqualTo(60);
        assertThat(first.users()).isEqualTo(15);
        // the request still in flight counts its user when it completes, in the next window
        m.completed(0, 200, 100, false, true, StickyHash.hash("late-user"));
        RevisionMetrics.Interval second = m.interval();
        assertThat(second.requests()).isEqualTo(1);
        assertThat(second.users()).isEqualTo(1);
        assertThat(m.interval().users()).isZero();
    }

    @Test
    void distinctUsersAreEstimatedWithinTheSketchTolerance() {
        RevisionMetrics m = new ProxyMetrics(2, null).of("chat-api", "chat-api-v1", "stable");
        for (int i = 0; i < 60_000; i++) {
            m.started(0);
            // 20 000 distinct users, each seen three times, on both slots
            m.completed(i % 2, 200, 100, false, true, StickyHash.hash("user-" + (i % 20_000)));
        }
        // lgK 12: relative standard error about 1.6 %; 5 % is over 3 sigma
        assertThat((double) m.interval().users()).isBetween(19_000.0, 21_000.0);
    }

    @Test
    void concurrentWritersOnTheirSlotsLoseNothingWhileSampled() throws Exception {
        ProxyMetrics metrics = new ProxyMetrics(2, null);
        RevisionMetrics m = metrics.of("chat-api", "chat-api-v1", "stable");
        int perThread = 200_000;
        CountDownLatch done = new CountDownLatch(2);
        for (int slot = 0; slot < 2; slot++) {
            int s = slot;
            new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    m.started(s);
                    m.completed(s, 200, i % 1000, false, true, StickyHash.hash("u" + (i % 5000)));
                }
                done.countDown();
            }).start();
        }
        long requests = 0;
        long histogramCount = 0;
        while (!done.await(1, TimeUnit.MILLISECONDS)) {
            RevisionMetrics.Interval iv = m.interval();
            requests += iv.requests();
            histogramCount += iv.latency().getTotalCount();
        }
        RevisionMetrics.Interval last = m.interval();
        requests += last.requests();
        histogramCount += last.latency().getTotalCount();
        assertThat(requests).isEqualTo(2L * perThread);
        assertThat(histogramCount).isEqualTo(2L * perThread);
    }

    /**
     * Idle windows are neither reset nor merged, a lone busy window is read in place, and the merged histogram and union are
     * reset only when they hold something: the intervals hold exactly the counts of resetting and merging everything every time
     * (the previous way, replayed here on plain histograms and sketches), and encode to bytes that decode to them, through idle
     * seconds, idle slots, lone busy slots and histograms growing in any order. The users are the lone busy sketch's own
     * estimate, or the union's of several.
     */
    @Test
    void skippingIdleWindowsGivesTheIntervalsOfResettingEverything() throws Exception {
        int slots = 3;
        RevisionMetrics m = new ProxyMetrics(slots, null).of("chat-api", "chat-api-v1", "stable");
        Histogram[] windows = new Histogram[slots];
        HllSketch[] sketches = new HllSketch[slots];
        long[] counted = new long[slots];
        for (int s = 0; s < slots; s++) {
            windows[s] = new Histogram(RevisionMetrics.SIGNIFICANT_DIGITS);
            sketches[s] = new HllSketch(RevisionMetrics.LG_K);
        }
        Histogram merged = new Histogram(RevisionMetrics.SIGNIFICANT_DIGITS);
        Union union = new Union(RevisionMetrics.LG_K);
        Random random = new Random(17);
        int lone = 0;
        int several = 0;
        for (int second = 0; second < 300; second++) {
            boolean idleSecond = random.nextInt(4) == 0;
            for (int s = 0; s < slots; s++) {
                if (idleSecond || random.nextBoolean()) {
                    continue;
                }
                // now and then a window of many users, so that its sketch leaves the exact modes for the HLL one
                int n = 1 + random.nextInt(random.nextInt(8) == 0 ? 3_000 : random.nextBoolean() ? 3 : 400);
                for (int i = 0; i < n; i++) {
                    int pick = random.nextInt(1000);
                    // now and then a value that grows a histogram: a slow response, a timeout, an hour
                    long micros = pick == 0
                            ? 30_000_000L << random.nextInt(8)
                            : pick < 10
                                    ? 100_000 + random.nextInt(5_000_000)
                                    : 200 + random.nextInt(5_000);
                    boolean hasUser = random.nextInt(3) > 0;
                    long user = StickyHash.hash("user-" + random.nextInt(n > 400 ? 5_000 : 500));
                    m.started(s);
                    m.completed(s, 200, micros, false, hasUser, user);
                    windows[s].recordValue(micros);
                    counted[s]++;
                    if (hasUser) {
                        sketches[s].update(user);
                    }
                }
            }
            RevisionMetrics.Interval iv = m.interval();

            merged.reset();
            union.reset();
            long requests = 0;
            int busy = 0;
            long loneUsers = 0;
            for (int s = 0; s < slots; s++) {
                requests += counted[s];
                if (counted[s] > 0) {
                    busy++;
                    loneUsers = sketches[s].isEmpty() ? 0 : Math.round(sketches[s].getEstimate());
                    merged.add(windows[s]);
                }
                if (!sketches[s].isEmpty()) {
                    union.update(sketches[s]);
                }
                windows[s].reset();
                sketches[s].reset();
                counted[s] = 0;
            }
            long users = busy == 1 ? loneUsers : union.isEmpty() ? 0 : Math.round(union.getEstimate());
            lone += busy == 1 ? 1 : 0;
            several += busy > 1 ? 1 : 0;

            assertThat(iv.requests()).as("second %d", second).isEqualTo(requests);
            assertThat(iv.users()).as("second %d", second).isEqualTo(users);
            assertThat(iv.latency()).as("second %d", second).isEqualTo(merged);
            assertThat(Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(compressed(iv.latency())), 0))
                    .as("second %d", second).isEqualTo(merged);
            if (requests > 0) {
                // the Micrometer gauges of the last sample's percentiles read the same counts
                assertThat(m.lastP99Seconds()).as("second %d", second).isEqualTo(merged.getValueAtPercentile(99) / 1e6);
            }
        }
        assertThat(lone).as("seconds with one busy window").isGreaterThan(30);
        assertThat(several).as("seconds with several busy windows").isGreaterThan(30);
    }

    /** One event loop: every busy interval is the window itself, and a window's values never leak into the next one. */
    @Test
    void oneSlotIntervalsAreTheWindowsOwnFigures() {
        RevisionMetrics m = new ProxyMetrics(1, null).of("chat-api", "chat-api-v1", "stable");
        for (int second = 0; second < 5; second++) {
            for (int i = 0; i < 100; i++) {
                m.started(0);
                m.completed(0, 200, 1_000L * (second + 1), false, true, StickyHash.hash("user-" + second + "-" + (i % 10)));
            }
            RevisionMetrics.Interval iv = m.interval();
            assertThat(iv.requests()).isEqualTo(100);
            assertThat(iv.latency().getTotalCount()).isEqualTo(100);
            assertThat(iv.latency().getMinNonZeroValue()).isBetween(1_000L * (second + 1) - 10, 1_000L * (second + 1) + 10);
            assertThat(iv.users()).isEqualTo(10);
        }
        RevisionMetrics.Interval idle = m.interval();
        assertThat(idle.requests()).isZero();
        assertThat(idle.latency().getTotalCount()).isZero();
        assertThat(idle.users()).isZero();
    }

    private static byte[] compressed(Histogram h) {
        ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        return Arrays.copyOf(buffer.array(), h.encodeIntoCompressedByteBuffer(buffer));
    }
}
