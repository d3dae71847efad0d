package dev.avalo.health.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class WilsonTest {

    private final Wilson wilson = Wilson.ninetyFive();

    @Test
    void matchesPublishedWilsonIntervals() {
        // 95 % Wilson intervals (z = 1.959964)
        Proportion half = wilson.interval(50, 100);
        assertThat(half.lower()).isCloseTo(0.4038, within(1e-4));
        assertThat(half.upper()).isCloseTo(0.5962, within(1e-4));

        Proportion none = wilson.interval(0, 10);
        assertThat(none.lower()).isZero();
        assertThat(none.upper()).isCloseTo(0.2775, within(1e-4));

        Proportion one = wilson.interval(1, 10);
        // plain Wilson would say 0.0179; the small-count modification uses the Poisson bound χ²(0.025; 2)/20
        assertThat(one.lower()).isCloseTo(0.00253, within(1e-5));
        assertThat(one.upper()).isCloseTo(0.4042, within(1e-4));
        Proportion nineOfTen = wilson.interval(9, 10);
        assertThat(nineOfTen.upper()).isCloseTo(1 - 0.00253, within(1e-5));
        Proportion five = wilson.interval(5, 100);
        assertThat(five.lower()).as("plain Wilson above the small counts").isCloseTo(0.0215, within(1e-4));

        assertThat(wilson.z()).isCloseTo(1.959964, within(1e-6));
    }

    @Test
    void aHandfulOfRequestsProvesNothingAgainstTwoPercent() {
        Proportion oneErrorInThree = wilson.interval(1, 3);
        assertThat(oneErrorInThree.point()).isGreaterThan(0.02);
        assertThat(oneErrorInThree.surelyAbove(0.02)).isFalse();
        assertThat(wilson.interval(0, 20).surelyBelow(0.02)).isFalse();
        assertThat(wilson.interval(0, 200).surelyBelow(0.02)).isTrue();
    }

    @Test
    void withoutSamplesTheIntervalIsEverything() {
        Proportion p = wilson.interval(0, 0);
        assertThat(p.lower()).isZero();
        assertThat(p.upper()).isEqualTo(1.0);
        assertThat(p.surelyAbove(0.0)).isFalse();
        assertThat(p.surelyBelow(1.0)).isFalse();
    }

    @Test
    void refusesImpossibleCounts() {
        assertThatThrownBy(() -> wilson.interval(3, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Wilson(1.2)).isInstanceOf(IllegalArgumentException.class);
        assertThat(wilson.describe()).startsWith("Wilson 95% ");
    }
}
