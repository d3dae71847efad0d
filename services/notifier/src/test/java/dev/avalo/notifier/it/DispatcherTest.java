package dev.avalo.notifier.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.avalo.notifier.channel.NotificationChannel;
import dev.avalo.notifier.channel.SendResult;
import dev.avalo.notifier.delivery.Delivery;
import dev.avalo.notifier.delivery.DeliveryStatus;
import dev.avalo.notifier.delivery.DeliveryStore;
import dev.avalo.notifier.delivery.DeliveryStore.NewDelivery;
import dev.avalo.notifier.delivery.Dispatcher;
import dev.avalo.notifier.notification.Notification;
import dev.avalo.notifier.notification.Severity;
import dev.avalo.notifier.routing.RateLimit;
import dev.avalo.notifier.routing.Router;
import dev.avalo.testing.JwtTestResource;
import dev.avalo.testing.MutableClock;
import dev.avalo.testing.NatsTestResource;
import dev.avalo.testing.PostgresTestResource;

/**
 * The dispatcher's rules on the real delivery log in PostgreSQL, driven pass by pass with its own stepped clock and scripted
 * channels (ids of their own, which the running notifier ignores): rate limits fold the excess into one summary, a deployment's
 * notifications keep their order, retries back off, the circuit breaker opens, expired leases come back, old failures and
 * permanent refusals are dead-lettered and announced once.
 */
@QuarkusTest
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = NatsTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = FakeSaasResource.class, restrictToAnnotatedClass = false)
class DispatcherTest {

    /** A channel whose results are scripted; records what it was asked to send, in order. */
    static final class Scripted implements NotificationChannel {
        final String id;
        final List<Notification> sent = Collections.synchronizedList(new ArrayList<>());
        final ConcurrentLinkedQueue<SendResult> script = new ConcurrentLinkedQueue<>();
        volatile Function<Notification, SendResult> otherwise = n -> SendResult.delivered("ok");

        Scripted(String id) {
            this.id = id;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public String type() {
            return "scripted";
        }

        @Override
        public boolean configured() {
            return true;
        }

        @Override
        public SendResult send(Notification n) {
            sent.add(n);
            SendResult r = script.poll();
            return r != null ? r : otherwise.apply(n);
        }

        List<String> titles() {
            synchronized (sent) {
                return sent.stream().map(Notification::title).toList();
            }
        }
    }

    @Inject
    DeliveryStore store;

    final MutableClock clock = MutableClock.of(Instant.parse("2030-01-01T00:00:00Z"));
    final String run = "t" + Events.newId().substring(0, 8);
    Dispatcher dispatcher;

    @AfterEach
    void close() {
        if (dispatcher != null) {
            dispatcher.close(Duration.ofSeconds(5));
        }
    }

    static Dispatcher.Settings settings(int concurrency, int quickRetries, int circuitWindow) {
        return new Dispatcher.Settings(concurrency, concurrency, Duration.ofSeconds(2), quickRetries, Duration.ofMillis(5),
                Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofHours(1), 0.5, circuitWindow,
                Duration.ofMinutes(10), Duration.ofMinutes(2), 100, Duration.ofMillis(50));
    }

    Dispatcher dispatcher(Map<String, NotificationChannel> channels, Map<String, RateLimit> limits, List<String> deadLetter,
            Dispatcher.Settings settings) {
        Router router = new Router(Map.of(), Map.of(), Map.of(), deadLetter);
        dispatcher = new Dispatcher(store, channels, limits, router, settings, clock, null);
        return dispatcher;
    }

    Notification note(String title, String orderKey) {
        String id = run + "-" + Events.newId();
        return new Notification(id, "avalo.deployment.stage.passed", "stage.passed", Severity.INFO, clock.instant(),
                title, title + " happened", orderKey, "svc", "production", orderKey, null, null, null, null, null, null,
                List.of(), Map.of(), null, List.of());
    }

    void log(String channel, Notification... ns) {
        List<NewDelivery> rows = new ArrayList<>();
        for (Notification n : ns) {
            rows.add(new NewDelivery(channel, n));
        }
        store.jdbc().tx(() -> store.insert(rows, clock.instant()));
    }

    List<Delivery> rows(String channel) {
        return store.list(Optional.empty(), Optional.empty(), Long.MAX_VALUE, 1000).stream()
                .filter(d -> d.channel().equals(channel)).toList();
    }

    /** Runs passes until every send started has been recorded. */
    void settle(Dispatcher d) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            d.tick();
            return d.inFlight() == 0 && !d.tick();
        });
    }

    @Test
    void aRateLimitSendsWhatItAllowsAndFoldsTheRestIntoOneSummary() {
        String ch = run + ":limited";
        Scripted channel = new Scripted(ch);
        Dispatcher d = dispatcher(Map.of(ch, channel), Map.of(ch, RateLimit.parse("2/1m")), List.of(),
                settings(1, 0, 100));
        log(ch, note("first", "a"), note("second", "b"));
        settle(d);
        assertThat(channel.titles()).containsExactly("first", "second");

        log(ch, note("third", "c"), note("fourth", "d"), note("fifth", "e"), note("sixth", "f"));
        settle(d);
        assertThat(channel.sent).hasSize(2); // no token left: held back, not dropped
        assertThat(rows(ch)).filteredOn(r -> r.status() == DeliveryStatus.PENDING).hasSize(4);

        clock.advance(Duration.ofSeconds(30)); // one token back: four are due, so one summary carries them
        settle(d);
        assertThat(channel.sent).hasSize(3);
        Notification summary = channel.sent.get(2);
        assertThat(summary.isSummary()).isTrue();
        assertThat(summary.summarised()).extracting(Notification::title).containsExactly("third", "fourth", "fifth",
                "sixth");
        assertThat(summary.title()).isEqualTo("4 notifications held back on " + ch);
        List<Delivery> all = rows(ch);
        Delivery summaryRow = all.stream().filter(r -> r.kind().equals("summary")).findFirst().orElseThrow();
        assertThat(summaryRow.status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(all).filteredOn(r -> r.status() == DeliveryStatus.SUMMARISED).hasSize(4)
                .allSatisfy(r -> assertThat(r.summaryId()).isEqualTo(summaryRow.id()));
        assertThat(all).noneMatch(r -> r.status() == DeliveryStatus.PENDING);
    }

    @Test
    void oneDeploymentsNotificationsKeepTheirOrderWhileOthersPass() {
        String ch = run + ":ordered";
        Scripted channel = new Scripted(ch);
        channel.script.add(SendResult.transientFailure("503"));
        Dispatcher d = dispatcher(Map.of(ch, channel), Map.of(), List.of(), settings(1, 0, 100));
        log(ch, note("A rollback started", "deploy-a"), note("A rolled back", "deploy-a"), note("B created", "deploy-b"));
        settle(d);
        // A's first failed and waits for its retry; A's second must not overtake it, B is independent
        assertThat(channel.titles()).containsExactly("A rollback started", "B created");
        assertThat(rows(ch)).filteredOn(r -> r.title().equals("A rolled back")).singleElement()
                .satisfies(r -> assertThat(r.attempts()).isZero());

        clock.advance(Duration.ofSeconds(10));
        settle(d);
        assertThat(channel.titles()).containsExactly("A rollback started", "B created", "A rollback started",
                "A rolled back");
        assertThat(rows(ch)).allSatisfy(r -> assertThat(r.status()).isEqualTo(DeliveryStatus.DELIVERED));
    }

    @Test
    void transientFailuresBackOffExponentiallyWithJitterUpToTheCap() {
        String ch = run + ":flaky";
        Scripted channel = new Scripted(ch);
        channel.otherwise = n -> SendResult.transientFailure("502 bad gateway");
        Dispatcher d = dispatcher(Map.of(ch, channel), Map.of(), List.of(), settings(1, 0, 1000));
        log(ch, note("flaky", "k"));
        List<Long> delays = new ArrayList<>();
        for (int attempt = 1; attempt <= 8; attempt++) {
            settle(d);
            Delivery row = rows(ch).get(0);
            assertThat(row.status()).isEqualTo(DeliveryStatus.PENDING);
            assertThat(row.attempts()).isEqualTo(attempt);
            long delay = Duration.between(clock.instant(), row.nextAttemptAt()).toMillis();
            delays.add(delay);
            clock.set(row.nextAttemptAt());
        }
        // 5 s doubling, ±25 %: 5, 10, 20, 40, 80, 160, then capped at 300 s
        long[] nominal = {5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000};
        for (int i = 0; i < nominal.length; i++) {
            assertThat(delays.get(i)).as("delay after attempt %d", i + 1).isBetween((long) (nominal[i] * 0.75),
                    (long) (nominal[i] * 1.25));
        }
        assertThat(channel.sent).hasSize(8);
    }

    @Test
    void quickRetriesAbsorbABlipWithinOneAttempt() {
        String ch = run + ":blip";
        Scripted channel = new Scripted(ch);
        channel.script.add(SendResult.transientFailure("503"));
        channel.script.add(SendResult.transientFailure("503"));
        Dispatcher d = dispatcher(Map.of(ch, channel), Map.of(), List.of(), settings(1, 2, 1000));
        log(ch, note("blip", "k"));
        settle(d);
        assertThat(channel.sent).hasSize(3);
        assertThat(rows(ch)).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(DeliveryStatus.DELIVERED);
            assertThat(r.attempts()).isEqualTo(1);
        });
    }

    @Test
    void theCircuitBreakerStopsCallingAFailingChannel() {
        String ch = run + ":down";
        Scripted channel = new Scripted(ch);
        channel.otherwise = n -> SendResult.transientFailure("connection refused");
        Dispatcher d = dispatcher(Map.of(ch, channel), Map.of(), List.of(), settings(1, 0, 4));
        Notification[] ns = new Notification[10];
        for (int i = 0; i < ns.length; i++) {
            ns[i] = note("n" + i, "key-" + i);
        }
        log(ch, ns);
        settle(d);
        assertThat(channel.sent).hasSize(4); // then the circuit opened
        List<Delivery> rows = rows(ch);
        assertThat(rows).allSatisfy(r -> assertThat(r.status()).isEqualTo(DeliveryStatus.PENDING));
        assertThat(rows).filteredOn(r -> r.lastError().contains("circuit breaker")).hasSize(6)
                .allSatisfy(r -> {
                    assertThat(r.attempts()).isZero(); // a refused call is not an attempt
                    assertThat(r.nextAttemptAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(10)));
                });
    }

    @Test
    void aDeliveryWhoseSenderDiedComesBackWhenItsLeaseEnds() {
        String ch = run + ":lease";
        Scripted channel = new Scripted(ch);
        log(ch, note("orphan", "k"));
        // another notifier claimed it and died before recording an outcome
        assertThat(store.claim(ch, clock.instant(), 10, clock.instant().plus(Duration.ofMinutes(2)))).hasSize(1);
        Dispatcher d = dispatcher(Map.of(ch, channel), Map.of(), List.of(), settings(1, 0, 100));
        settle(d);
        assertThat(channel.sent).isEmpty();
        clock.advance(Duration.ofMinutes(3));
        settle(d);
        assertThat(channel.titles()).containsExactly("orphan");
        assertThat(rows(ch)).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(DeliveryStatus.DELIVERED);
            assertThat(r.attempts()).isEqualTo(2);
        });
    }

    @Test
    void permanentRefusalsAndOldFailuresAreDeadLetteredAndAnnouncedOnceOnAnotherChannel() {
        String ch = run + ":refusing";
        String other = run + ":notices";
        Scripted channel = new Scripted(ch);
        Scripted notices = new Scripted(other);
        channel.script.add(SendResult.permanent("404 no_service"));
        channel.otherwise = n -> SendResult.transientFailure("500");
        notices.otherwise = n -> SendResult.permanent("410 gone"); // the notice itself fails: no cascade
        Dispatcher d = dispatcher(Map.of(ch, channel, other, notices), Map.of(), List.of(ch, other),
                settings(1, 0, 1000));
        log(ch, note("refused", "a"), note("keeps failing", "b"));
        settle(d);
        assertThat(rows(ch)).filteredOn(r -> r.title().equals("refused")).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(DeliveryStatus.DEAD);
            assertThat(r.lastError()).isEqualTo("404 no_service");
        });
        clock.advance(Duration.ofHours(2)); // past give-up-after (1 h): the next transient failure is final
        settle(d);
        assertThat(rows(ch)).allSatisfy(r -> assertThat(r.status()).isEqualTo(DeliveryStatus.DEAD));
        assertThat(rows(ch)).filteredOn(r -> r.title().equals("keeps failing")).singleElement()
                .satisfies(r -> assertThat(r.lastError()).startsWith("gave up after 2 attempts: 500"));
        assertThat(notices.titles()).containsExactlyInAnyOrder("Notification not delivered on " + ch + ": refused",
                "Notification not delivered on " + ch + ": keeps failing");
        assertThat(rows(other)).hasSize(2).allSatisfy(r -> assertThat(r.status()).isEqualTo(DeliveryStatus.DEAD));
        assertThat(rows(ch)).hasSize(2); // the failed notices announced nothing further
    }

    @Test
    void aCleanStopReturnsWhatWasClaimedAheadToTheLogAtOnce() throws Exception {
        String ch = run + ":stopping";
        Scripted channel = new Scripted(ch);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        channel.otherwise = n -> {
            try {
                release.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return SendResult.delivered("ok");
        };
        Dispatcher d = dispatcher(Map.of(ch, channel), Map.of(), List.of(), settings(1, 0, 100));
        log(ch, note("one", "a"), note("two", "b"), note("three", "c"));
        d.tick(); // claims all three ahead, starts one
        await().atMost(Duration.ofSeconds(5)).until(() -> channel.sent.size() == 1);
        assertThat(rows(ch)).allSatisfy(r -> assertThat(r.status()).isEqualTo(DeliveryStatus.SENDING));
        release.countDown();
        d.close(Duration.ofSeconds(5));
        dispatcher = null;
        List<Delivery> rows = rows(ch);
        assertThat(rows).filteredOn(r -> r.status() == DeliveryStatus.DELIVERED).extracting(Delivery::title)
                .containsExactly("one");
        assertThat(rows).filteredOn(r -> r.status() == DeliveryStatus.PENDING).hasSize(2).allSatisfy(r -> {
            assertThat(r.attempts()).isZero();
            assertThat(r.nextAttemptAt()).isEqualTo(clock.instant()); // due now, not after a lease
        });
    }
}
