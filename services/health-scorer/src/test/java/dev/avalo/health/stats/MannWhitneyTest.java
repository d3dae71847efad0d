package dev.avalo.health.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;

import org.HdrHistogram.Histogram;
import org.apache.commons.math3.stat.inference.MannWhitneyUTest;
import org.junit.jupiter.api.Test;

import dev.avalo.health.window.Histograms;

class MannWhitneyTest {

    @Test
    void agreesWithCommonsMathOnRawSamples() {
        Random random = new Random(42);
        double[] a = new double[400];
        double[] b = new double[600];
        // integers below 2048 are exact in a 3-digit HdrHistogram, so the histograms hold the same values as the arrays
        Histogram ha = new Histogram(3);
        Histogram hb = new Histogram(3);
        for (int i = 0; i < a.length; i++) {
            a[i] = 100 + random.nextInt(900) + 30;
            ha.recordValue((long) a[i]);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = 100 + random.nextInt(900);
            hb.recordValue((long) b[i]);
        }

        MannWhitney.Result ours = MannWhitney.compare(ha, hb, 1.96);
        MannWhitneyUTest reference = new MannWhitneyUTest();
        // commons-math returns max(U_a, U_b); a is shifted up, so that is U_a
        double uMax = reference.mannWhitneyU(a, b);

        assertThat(ours.u()).isCloseTo(uMax, within(1e-6));
        assertThat(ours.u()).isGreaterThan(a.length * (double) b.length / 2);
        // commons-math reports the two-sided p without continuity correction; ours is one-sided with it
        assertThat(ours.pGreater() * 2).isCloseTo(reference.mannWhitneyUTest(a, b), within(0.01));
        assertThat(ours.a()).isGreaterThan(0.5);
    }

    @Test
    void identicalDistributionsHaveNoEffect() {
        Histogram ha = Histograms.create();
        Histogram hb = Histograms.create();
        for (int i = 0; i < 1000; i++) {
            ha.recordValue(100 + i % 50);
            hb.recordValue(100 + i % 50);
        }
        MannWhitney.Result r = MannWhitney.compare(ha, hb, 1.96);
        assertThat(r.a()).isCloseTo(0.5, within(1e-9));
        assertThat(r.rankBiserial()).isCloseTo(0.0, within(1e-9));
        assertThat(r.pGreater()).isGreaterThan(0.4);
    }

    @Test
    void twoProportionsWithNewcombeInterval() {
        TwoProportions.Result r = TwoProportions.compare(Wilson.ninetyFive(), 56, 70, 48, 80);
        // Newcombe (1998) example: 56/70 − 48/80 = 0.2, hybrid Wilson interval 0.0524 to 0.3339; with 14 and 48 events the
        // single intervals are widened to the exact (Clopper-Pearson) ones, so the hybrid interval is a little wider
        assertThat(r.difference()).isCloseTo(0.2, within(1e-9));
        assertThat(r.lower()).isCloseTo(0.0439, within(1e-3));
        assertThat(r.upper()).isGreaterThan(0.3339).isLessThan(0.36);
        assertThat(r.pGreater()).isLessThan(0.01);
    }

    @Test
    void readsTheRecordedValuesAsTheIteratorDoes() {
        Random random = new Random(7);
        for (int round = 0; round < 300; round++) {
            Histogram h = random.nextBoolean() ? Histograms.create() : new Histogram(3);
            h.setAutoResize(true);
            int n = random.nextInt(400);
            double median = 1 + random.nextInt(200_000);
            for (int i = 0; i < n; i++) {
                long v = random.nextInt(20) == 0 ? random.nextInt(3) : (long) (median * Math.exp(random.nextGaussian()));
                h.recordValueWithCount(v, 1 + random.nextInt(3));
            }
            if (random.nextBoolean() && n > 0) {
                // a range histogram: seconds removed again leave zero buckets below and above the recorded ones
                Histogram removed = Histograms.create();
                for (org.HdrHistogram.HistogramIterationValue v : h.recordedValues()) {
                    if (random.nextInt(3) == 0) {
                        removed.recordValueWithCount(v.getValueIteratedTo(), v.getCountAtValueIteratedTo());
                    }
                }
                for (org.HdrHistogram.HistogramIterationValue v : removed.recordedValues()) {
                    h.recordValueWithCount(v.getValueIteratedTo(), -v.getCountAtValueIteratedTo());
                }
            }
            java.util.List<Long> expected = new java.util.ArrayList<>();
            for (org.HdrHistogram.HistogramIterationValue v : h.recordedValues()) {
                expected.add(h.highestEquivalentValue(v.getValueIteratedTo()));
                expected.add(v.getCountAtValueIteratedTo());
            }
            long[] values = MannWhitney.values(h);
            java.util.List<Long> actual = new java.util.ArrayList<>();
            for (int k = 0; k < 2 * values[0]; k++) {
                actual.add(values[1 + k]);
            }
            assertThat(actual).as("round %d", round).containsExactlyElementsOf(expected);
        }
    }
}
