package dev.avalo.health.window;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.junit.jupiter.api.Test;

/**
 * {@link LatencyArena} against one dense histogram per slot fed the same buckets: merges into the newest slot (rewritten in
 * place) and into older ones (appended again), clears, the head wrapping round, the array growing and compacting, and wide
 * bucket lists (counts past 2^24, values past 2^39 µs). After every step every slot must answer as its histogram does.
 */
class LatencyArenaTest {

    private final SplittableRandom random = new SplittableRandom(20261129);

    @Test
    void everySlotAnswersAsItsOwnHistogram() {
        int slots = 97;
        LatencyArena arena = new LatencyArena(slots);
        Histogram[] reference = new Histogram[slots];
        int newest = 0;
        for (int step = 0; step < 8_000; step++) {
            int action = random.nextInt(100);
            if (action < 60) {
                // the ring moves on: the next slot is cleared and written, as a window evicts and ingests
                newest = (newest + 1) % slots;
                arena.clear(newest);
                reference[newest] = null;
                add(arena, reference, newest);
            } else if (action < 80) {
                add(arena, reference, newest); // another router's sample for the newest second
            } else if (action < 95) {
                add(arena, reference, random.nextInt(slots)); // a late sample
            } else {
                int slot = random.nextInt(slots);
                arena.clear(slot);
                reference[slot] = null;
            }
            if (step % 5 == 0) {
                for (int slot = 0; slot < slots; slot++) {
                    compare(arena, reference, slot);
                }
            }
        }
        assertThat(arena.compactions()).as("the array was replaced as it filled").isGreaterThan(1);
    }

    @Test
    void steadyTrafficReusesTheArrayWithoutReplacingIt() {
        int slots = 60;
        LatencyArena arena = new LatencyArena(slots);
        for (int t = 0; t < 10 * slots; t++) {
            arena.clear(t % slots);
            arena.add(t % slots, SparseLatency.of(RandomLatencies.histogram(random, 40)), 0);
        }
        int compactions = arena.compactions();
        int capacity = arena.capacity();
        for (int t = 10 * slots; t < 100 * slots; t++) {
            arena.clear(t % slots);
            arena.add(t % slots, SparseLatency.of(RandomLatencies.histogram(random, 40)), 0);
        }
        assertThat(arena.compactions()).as("a ring's worth of similar seconds fits what the last one left")
                .isEqualTo(compactions);
        assertThat(arena.capacity()).isEqualTo(capacity);
    }

    @Test
    void aQuietSlotHoldingTheOldestBucketsIsCompactedNotLost() {
        int slots = 60;
        LatencyArena arena = new LatencyArena(slots);
        Histogram kept = RandomLatencies.histogram(random, 30);
        arena.add(0, SparseLatency.of(kept), 0);
        for (int t = 1; t < 50 * slots; t++) {
            int slot = 1 + t % (slots - 1); // slot 0 is never written again
            arena.clear(slot);
            arena.add(slot, SparseLatency.of(RandomLatencies.histogram(random, 30)), 0);
        }
        Histogram back = Histograms.create();
        arena.addTo(0, back, 1);
        assertThat(buckets(back)).isEqualTo(buckets(atPrecision(kept)));
        assertThat(arena.capacity()).as("compacting, not growing without bound").isLessThan(60 * 200);
    }

    private void add(LatencyArena arena, Histogram[] reference, int slot) {
        Histogram h;
        int kind = random.nextInt(50);
        if (kind == 0) {
            h = Histograms.create();
            h.recordValueWithCount(1_000 + random.nextInt(100_000), (1L << 24) + random.nextInt(1000)); // a count too large to pack
        } else if (kind == 1) {
            h = Histograms.create();
            h.recordValueWithCount((1L << 40) + random.nextInt(1000), 1 + random.nextInt(5)); // a value too large to pack
            h.recordValue(1 + random.nextInt(1000));
        } else {
            h = RandomLatencies.histogram(random, 1 + random.nextInt(random.nextInt(10) == 0 ? 2_000 : 60));
        }
        arena.add(slot, SparseLatency.of(h), 0);
        if (reference[slot] == null) {
            reference[slot] = Histograms.create();
        }
        reference[slot].add(h);
    }

    private static void compare(LatencyArena arena, Histogram[] reference, int slot) {
        Histogram expected = reference[slot];
        assertThat(arena.holds(slot)).isEqualTo(expected != null);
        Histogram actual = Histograms.create();
        arena.addTo(slot, actual, 1);
        if (expected == null) {
            assertThat(actual.getTotalCount()).isZero();
            return;
        }
        assertThat(buckets(actual)).as("slot %d", slot).isEqualTo(buckets(expected));
        for (long micros : RandomLatencies.THRESHOLDS) {
            assertThat(arena.countAbove(slot, micros)).as("slot %d above %d µs", slot, micros)
                    .isEqualTo(Histograms.countAbove(expected, micros));
        }
    }

    /** The non-empty buckets as "value×count" (the highest value of each bucket). */
    private static List<String> buckets(Histogram h) {
        List<String> out = new ArrayList<>();
        for (HistogramIterationValue v : h.recordedValues()) {
            out.add(v.getValueIteratedTo() + "x" + v.getCountAtValueIteratedTo());
        }
        return out;
    }

    private static Histogram atPrecision(Histogram h) {
        Histogram p = Histograms.create();
        p.add(h);
        return p;
    }
}
