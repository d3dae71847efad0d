package dev.avalo.health.window;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * {@link Histograms#countAbove}, read from the top, against the total less the count at or below the value;
 * {@link Histograms#countAtOrAbove} against the recorded values themselves.
 */
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

    @Test
    void atOrAboveCountsEveryValueThatMayBeAtOrAboveAndNeverLessThanTheTrueCount() {
        Random random = new Random(12);
        for (int round = 0; round < 300; round++) {
            Histogram h = Histograms.create();
            double median = 1 + random.nextInt(200_000);
            long[] values = new long[random.nextInt(300)];
            for (int i = 0; i < values.length; i++) {
                values[i] = random.nextInt(30) == 0 ? 0 : (long) (median * Math.exp(random.nextGaussian()));
                h.recordValue(values[i]);
            }
            for (int q = 0; q < 20; q++) {
                long value = random.nextInt(4) == 0 && values.length > 0
                        ? Math.max(0, values[random.nextInt(values.length)] + random.nextInt(3) - 1)
                        : (long) (median * Math.exp(random.nextGaussian()));
                long mayBe = 0;
                long truly = 0;
                for (long v : values) {
                    if (h.highestEquivalentValue(v) >= value) {
                        mayBe++;
                    }
                    if (v >= value) {
                        truly++;
                    }
                }
                long counted = Histograms.countAtOrAbove(h, value);
                assertThat(counted).as("round %d at or above %d", round, value).isEqualTo(mayBe);
                assertThat(counted).isGreaterThanOrEqualTo(truly).isGreaterThanOrEqualTo(Histograms.countAbove(h, value));
            }
        }
        assertThat(Histograms.countAtOrAbove(Histograms.create(), 5)).isZero();
    }
}
