package dev.avalo.notifier.it;

import java.time.Clock;
import java.time.Instant;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.avalo.testing.MutableClock;

/** Replaces the system clock: tests step time instead of sleeping. */
public class TestClockProducer {

    public static final MutableClock CLOCK = MutableClock.of(Instant.parse("2026-11-24T19:00:00Z"));

    @Produces
    @Singleton
    Clock clock() {
        return CLOCK;
    }
}
