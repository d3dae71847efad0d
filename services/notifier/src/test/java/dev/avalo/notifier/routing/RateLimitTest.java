package dev.avalo.notifier.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class RateLimitTest {

    static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");

    @Test
    void startsFullAndRefillsContinuously() {
        RateLimit limit = RateLimit.parse("30/1m");
        assertThat(limit.capacity()).isEqualTo(30);
        assertThat(limit.available(T0)).isEqualTo(30);
        limit.take(T0, 30);
        assertThat(limit.available(T0)).isZero();
        assertThat(limit.available(T0.plus(Duration.ofMillis(1999)))).isZero();
        assertThat(limit.available(T0.plusSeconds(2))).isEqualTo(1);
        assertThat(limit.available(T0.plusSeconds(30))).isEqualTo(15);
        assertThat(limit.available(T0.plus(Duration.ofHours(1)))).isEqualTo(30); // never above capacity
    }

    @Test
    void parsesTheUsualSpellings() {
        assertThat(RateLimit.parse("none")).isNull();
        assertThat(RateLimit.parse(" ")).isNull();
        assertThat(RateLimit.parse("1/s").capacity()).isEqualTo(1);
        assertThat(RateLimit.parse("20/10m").capacity()).isEqualTo(20);
        assertThat(RateLimit.parse("100 / 2h").capacity()).isEqualTo(100);
        RateLimit perSecond = RateLimit.parse("5/500ms");
        perSecond.take(T0, 5);
        assertThat(perSecond.available(T0.plusMillis(100))).isEqualTo(1);
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> RateLimit.parse("fast")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("20/1m");
        assertThatThrownBy(() -> RateLimit.parse("0/1m")).isInstanceOf(IllegalArgumentException.class);
    }
}
