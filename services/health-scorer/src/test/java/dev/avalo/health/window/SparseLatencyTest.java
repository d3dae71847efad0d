package dev.avalo.health.window;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * A second's buckets written into a reused array ({@link SparseLatency#into}: an evicted second's array, the rest of it turned
 * into leading empty entries) read exactly as the fresh array {@link SparseLatency#of} made: total, count above every
 * threshold, the buckets added to a histogram, and merges either way round.
 */
class SparseLatencyTest {

    @Test
    void aReusedArrayReadsAsTheFreshOne() {
        SplittableRandom random = new SplittableRandom(20261129);
        long[] spare = null;
        int reused = 0;
        for (int round = 0; round < 500; round++) {
            long[] fresh = SparseLatency.of(RandomLatencies.histogram(random, 1 + random.nextInt(400)));
            long[] other = SparseLatency.of(RandomLatencies.histogram(random, 1 + random.nextInt(50)));
            long[] copy = fresh.clone();
            long[] kept = SparseLatency.into(spare, copy);
            if (kept != copy) {
                reused++;
                assertThat(kept).isSameAs(spare);
            }
            assertThat(SparseLatency.total(kept)).isEqualTo(SparseLatency.total(fresh));
            for (long threshold : RandomLatencies.THRESHOLDS) {
                assertThat(SparseLatency.countAbove(kept, threshold)).as("round %d above %d", round, threshold)
                        .isEqualTo(SparseLatency.countAbove(fresh, threshold));
            }
            assertThat(histogram(kept)).isEqualTo(histogram(fresh));
            assertThat(SparseLatency.merge(kept, other)).isEqualTo(SparseLatency.merge(fresh, other));
            assertThat(SparseLatency.merge(other, kept)).isEqualTo(SparseLatency.merge(other, fresh));
            // the second is evicted: its array is the next one's spare, or a new one of another size comes along
            spare = random.nextInt(4) == 0 ? new long[1 + random.nextInt(64)] : kept;
        }
        assertThat(reused).as("arrays reused").isGreaterThan(100);
    }

    @Test
    void aSpareTooShortOrFarTooLongIsNotUsed() {
        long[] pairs = SparseLatency.of(RandomLatencies.histogram(new SplittableRandom(1), 300));
        assertThat(SparseLatency.into(new long[pairs.length - 1], pairs)).isSameAs(pairs);
        assertThat(SparseLatency.into(new long[2 * pairs.length + 9], pairs)).isSameAs(pairs);
        assertThat(SparseLatency.into(null, pairs)).isSameAs(pairs);
    }

    private static Histogram histogram(long[] pairs) {
        Histogram h = Histograms.create();
        SparseLatency.addTo(pairs, h, 1);
        return h;
    }
}
