package dev.avalo.router.control;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The pause between attempts to watch the routes bucket: doubles from 250 ms, never above 5 s (plus up to 20 % jitter). */
class WatchBackoffTest {

    @Test
    void doublesFromTheMinimumUpToTheCapWithBoundedJitter() {
        long[] bases = {250, 500, 1000, 2000, 2000, 2000, 2000};
        for (int draw = 0; draw < 50; draw++) {
            for (int failures = 1; failures <= bases.length; failures++) {
                long base = bases[failures - 1];
                assertThat(RouteController.backoffMillis(failures)).as("after %d failures", failures)
                        .isBetween(base, base + base / 5);
            }
            assertThat(RouteController.backoffMillis(Integer.MAX_VALUE)).isBetween(RouteController.RETRY_MAX_MILLIS,
                    RouteController.RETRY_MAX_MILLIS * 6 / 5);
        }
    }
}
