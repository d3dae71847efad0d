package dev.avalo.health.window;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** {@link Histograms#countAbove}, read from the top, against the total less the count at or below the value. */
class CountAboveTest {

    @Test
    void readingFromTheTopEqualsTheTotalLessTheCountBelow() {
        Random random = new Random(11);
        for (int round = 0; round < 300; round++) {
            Histogram h = random.nextBoolean() ? Histograms.create() : new Histogram(3);
            h.setAutoResize(true);
            double median = 1 + random.nextInt(200_000);
            for (int i = random.nextInt(300); i > 0; i--) {
                h.recordValueWithCount(random.nextInt(30) == 0 ? 0 : (long) (median * Math.exp(random.nextGaussian())),
                        1 + random.nextInt(4));
            }
            if (random.nextBoolean() && h.getTotalCount() > 0) {
                // seconds removed again, as a range histogram moves on
                long v = h.getValueAtPercentile(random.nextDouble() * 100);
                long c = h.getCountAtValue(v);
                h.recordValueWithCount(v, -c);
            }
            for (int q = 0; q < 20; q++) {
                long value = random.nextInt(5) == 0 ? random.nextInt(10) : (long) (median * Math.exp(random.nextGaussian()));
                long expected = value >= h.getMaxValue() || h.getTotalCount() == 0
                        ? 0
                        : h.getTotalCount() - h.getCountBetweenValues(0, value);
                assertThat(Histograms.countAbove(h, value)).as("round %d above %d", round, value).isEqualTo(expected);
            }
        }
    }
}
