package dev.avalo.health.source.alertmanager;

import java.time.Duration;
import java.time.Instant;

import dev.avalo.health.source.MetricsSource;
import dev.avalo.health.source.MetricsSourceContractTest;
import dev.avalo.testing.MutableClock;

/** The Alertmanager source under the {@link MetricsSource} contract: online while its heartbeat alert arrives. */
class AlertBookTest extends MetricsSourceContractTest {

    private final MutableClock clock = MutableClock.of(Instant.parse("2026-11-28T10:00:00Z"));

    @Override
    protected MetricsSource deliveringSource() {
        AlertBook book = new AlertBook(true, "Watchdog", Duration.ofMinutes(15), clock);
        book.record(new AlertBook.Alert("w", "Watchdog", null, null, "none", true, null));
        return book;
    }

    @Override
    protected MetricsSource silentSource() {
        AlertBook book = new AlertBook(true, "Watchdog", Duration.ofMinutes(15), clock);
        book.record(new AlertBook.Alert("w", "Watchdog", null, null, "none", true, null));
        clock.advance(Duration.ofMinutes(20));
        return book;
    }
}
