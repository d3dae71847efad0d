package dev.avalo.notifier.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.logging.Logger;

import io.smallrye.faulttolerance.api.Guard;

import dev.avalo.notifier.channel.NotificationChannel;
import dev.avalo.notifier.channel.SendResult;
import dev.avalo.notifier.delivery.DeliveryStore.Claimed;
import dev.avalo.notifier.delivery.DeliveryStore.NewDelivery;
import dev.avalo.notifier.delivery.DeliveryStore.Outcome;
import dev.avalo.notifier.notification.EventInterpreter;
import dev.avalo.notifier.notification.Notification;
import dev.avalo.notifier.routing.RateLimit;
import dev.avalo.notifier.routing.Router;

/**
 * Sends what the delivery log holds. One loop thread claims due rows per channel (respecting each channel's rate limit, a
 * {@code Retry-After} pause and the order of each deployment's notifications) and hands them to a pool of senders; each send is
 * one {@link NotificationChannel#send} guarded by SmallRye Fault Tolerance (quick retries with exponential backoff and jitter
 * for transient failures, a timeout, a circuit breaker per channel). Outcomes are written back in batches: delivered; retried
 * later with exponential backoff and jitter (or after {@code Retry-After}); or dead — refused for good or failing past the
 * give-up age — which tells the dead-letter channels. When a rate limit holds back more than it lets through, the held rows are
 * folded into one summary. Time comes from the injected clock.
 */
public final class Dispatcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class);

    /** Settings (from {@code avalo.notifier.delivery.*}). */
    public record Settings(int concurrency, int perChannelConcurrency, Duration timeout, int quickRetries,
            Duration quickRetryDelay,
            Duration retryDelay, Duration maxRetryDelay, Duration giveUpAfter, double circuitFailureRatio,
            int circuitWindow, Duration circuitDelay, Duration lease, int batch, Duration poll) {
    }

    /** Hears every outcome (metrics). */
    public interface Listener {
        void sent(String channel, String outcome, Duration sinceCreated);
    }

    private final DeliveryStore store;
    private final Map<String, NotificationChannel> channels;
    private final Map<String, RateLimit> limits;
    private final Map<String, Guard> guards = new HashMap<>();
    private final Map<String, Instant> pausedUntil = new ConcurrentHashMap<>();
    private final Router router;
    private final Settings settings;
    private final Clock clock;
    private final Listener listener;
    private final ExecutorService senders;
    private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean running;
    private Thread loop;
    private Thread recorder;
    private Instant lastLeaseSweep = Instant.MIN;
    private Instant lastTick = Instant.MIN;
    private long lastFullPoll = System.nanoTime();
    private final java.util.concurrent.atomic.AtomicBoolean newRows = new java.util.concurrent.atomic.AtomicBoolean(true);
    private final java.util.Set<String> drained = new java.util.HashSet<>();
    private final Map<String, java.util.ArrayDeque<Claimed>> ready = new HashMap<>();
    private final Map<String, AtomicInteger> channelInFlight = new HashMap<>();

    /**
     * @param channels
     *            the configured channels by id (unconfigured ones are left out: nothing is queued for them)
     * @param limits
     *            rate limits by channel id (absent: unlimited)
     */
    public Dispatcher(DeliveryStore store, Map<String, NotificationChannel> channels, Map<String, RateLimit> limits,
            Router router, Settings settings, Clock clock, Listener listener) {
        this.store = store;
        this.channels = Map.copyOf(channels);
        this.limits = new HashMap<>(limits);
        this.router = router;
        this.settings = settings;
        this.clock = clock;
        this.listener = listener == null ? (c, o, d) -> {
        } : listener;
        for (String id : channels.keySet()) {
            guards.put(id, guard(id, settings));
            channelInFlight.put(id, new AtomicInteger());
        }
        AtomicInteger n = new AtomicInteger();
        this.senders = Executors.newFixedThreadPool(Math.max(1, settings.concurrency()), r -> {
            Thread t = new Thread(r, "avalo-notifier-send-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    private static Guard guard(String id, Settings s) {
        Guard.Builder b = Guard.create().withDescription("notification channel " + id);
        if (s.quickRetries() > 0) {
            b.withRetry().maxRetries(s.quickRetries()).delay(s.quickRetryDelay().toMillis(), ChronoUnit.MILLIS)
                    .jitter(Math.max(0, s.quickRetryDelay().toMillis() / 2), ChronoUnit.MILLIS)
                    .maxDuration(s.timeout().toMillis() * (s.quickRetries() + 2), ChronoUnit.MILLIS)
                    .retryOn(TransientFailure.class).withExponentialBackoff().factor(2)
                    .maxDelay(Math.max(s.quickRetryDelay().toMillis() * 8, 1), ChronoUnit.MILLIS).done().done();
        }
        b.withCircuitBreaker().name("avalo-notifier-" + id).requestVolumeThreshold(Math.max(1, s.circuitWindow()))
                .failureRatio(s.circuitFailureRatio()).delay(s.circuitDelay().toMillis(), ChronoUnit.MILLIS)
                .successThreshold(1).failOn(List.of(TransientFailure.class, TimeoutException.class)).done();
        b.withTimeout().duration(s.timeout().toMillis() + 1000, ChronoUnit.MILLIS).done();
        return b.build();
    }

    /** Starts the loop thread. */
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        loop = new Thread(this::run, "avalo-notifier-dispatch");
        loop.setDaemon(true);
        loop.start();
        recorder = new Thread(this::record, "avalo-notifier-record");
        recorder.setDaemon(true);
        recorder.start();
    }

    /**
     * Records outcomes on a thread of its own, so that a slow claim never holds back the record of a finished send (a row left
     * SENDING past its lease would be sent again).
     */
    private void record() {
        while (running || inFlight.get() > 0 || !outcomes.isEmpty()) {
            try {
                if (outcomes.isEmpty()) {
                    synchronized (outcomes) {
                        outcomes.wait(50);
                    }
                    continue;
                }
                flushOutcomes(clock.instant());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warnf("could not record %d outcomes (%s); retrying", outcomes.size(), e.getMessage());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Asks the loop to look for work now: new rows were logged. */
    public void wake() {
        newRows.set(true);
        nudge();
    }

    /** Asks the loop to go again (a send finished: a sender is free). */
    private void nudge() {
        if (wake.availablePermits() == 0) {
            wake.release();
        }
    }

    public int inFlight() {
        return inFlight.get();
    }

    private void run() {
        while (running) {
            boolean busy;
            try {
                busy = tick();
            } catch (RuntimeException e) {
                LOG.warnf("delivery pass failed (%s); retrying", e.getMessage());
                busy = false;
            }
            try {
                if (!busy) {
                    wake.tryAcquire(settings.poll().toMillis(), TimeUnit.MILLISECONDS);
                    wake.drainPermits();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * One pass: returns expired leases, tops up each channel's buffer of claimed deliveries (when new rows were logged, time
     * moved or the poll interval passed), and starts sends from the buffers round-robin, within the global and the per-channel
     * concurrency. True when it claimed something (the loop then goes again at once). Claiming a batch ahead keeps the claim
     * query — the costly one — to a few per second however many sends finish.
     */
    public boolean tick() {
        Instant now = clock.instant();
        boolean busy = recorder == null && flushOutcomes(now); // driven by hand (tests): record here
        if (!now.isBefore(lastLeaseSweep.plusSeconds(10))) {
            int released = store.releaseExpiredLeases(channels.keySet(), now);
            if (released > 0) {
                LOG.warnf("%d deliveries came back from an expired lease (a sender stopped mid-send); retrying them",
                        released);
            }
            lastLeaseSweep = now;
        }
        long nanos = System.nanoTime();
        if (newRows.getAndSet(false) || !now.equals(lastTick) || nanos - lastFullPoll >= settings.poll().toNanos()) {
            drained.clear();
            lastFullPoll = nanos;
        }
        lastTick = now;
        for (Map.Entry<String, NotificationChannel> e : channels.entrySet()) {
            String id = e.getKey();
            java.util.ArrayDeque<Claimed> buffer = ready.computeIfAbsent(id, k -> new java.util.ArrayDeque<>());
            Instant paused = pausedUntil.get(id);
            if (paused != null && now.isBefore(paused)) {
                // told to wait: what is buffered goes back to the log, due when the wait ends
                Claimed c;
                while ((c = buffer.poll()) != null) {
                    outcomes.add(new Outcome.Retry(c.id(), "waiting for " + id + " (Retry-After)", paused, false));
                }
                continue;
            }
            if (drained.contains(id) || buffer.size() > settings.batch() / 2) {
                continue;
            }
            int want = settings.batch() - buffer.size();
            Instant lease = now.plus(settings.lease());
            RateLimit limit = limits.get(id);
            List<Claimed> claimed;
            if (limit == null) {
                claimed = store.claim(id, now, want, lease);
            } else {
                int tokens = limit.available(now);
                int due = tokens == 0 ? 0 : store.countDue(id, now, tokens + 1);
                if (due == 0) {
                    claimed = List.of();
                } else if (due <= tokens) {
                    claimed = store.claim(id, now, Math.min(tokens, want), lease);
                    limit.take(now, claimed.size());
                } else {
                    String summaryId = "summary-" + java.util.UUID.randomUUID();
                    claimed = store.summarise(id, now, 1000, lease,
                            held -> EventInterpreter.summary(summaryId, now, id, held)).map(List::of)
                            .orElse(List.of());
                    if (!claimed.isEmpty()) {
                        limit.take(now, 1);
                        LOG.infof("rate limit of %s: %d notifications folded into one summary", id,
                                claimed.get(0).notification().summarised().size());
                    }
                }
            }
            if (claimed.size() < want) {
                drained.add(id); // nothing more is due now: wait for new rows, a clock step or the poll
            }
            buffer.addAll(claimed);
            busy |= !claimed.isEmpty();
        }
        startSends();
        return busy;
    }

    /** Starts sends from the buffers, one channel after another, while the concurrency allows. */
    private void startSends() {
        boolean started = true;
        while (started) {
            started = false;
            for (Map.Entry<String, NotificationChannel> e : channels.entrySet()) {
                if (inFlight.get() >= settings.concurrency()) {
                    return;
                }
                java.util.ArrayDeque<Claimed> buffer = ready.get(e.getKey());
                AtomicInteger own = channelInFlight.get(e.getKey());
                if (buffer == null || buffer.isEmpty() || own.get() >= settings.perChannelConcurrency()) {
                    continue;
                }
                Claimed c = buffer.poll();
                inFlight.incrementAndGet();
                own.incrementAndGet();
                NotificationChannel channel = e.getValue();
                senders.execute(() -> send(channel, c));
                started = true;
            }
        }
    }

    /** Writes finished outcomes to the log; true when there were any. */
    private boolean flushOutcomes(Instant now) {
        List<Outcome> done = new ArrayList<>();
        Outcome o;
        while ((o = outcomes.poll()) != null) {
            done.add(o);
        }
        if (done.isEmpty()) {
            return false;
        }
        try {
            store.complete(done, now);
            // a finished row may unblock the next one of its deployment, and dead letters log notices: look again
            newRows.set(true);
            if (recorder != null) {
                nudge();
            }
        } catch (RuntimeException ex) {
            outcomes.addAll(done); // keep them for the next pass; the rows stay SENDING meanwhile
            throw ex;
        }
        return true;
    }

    private void send(NotificationChannel channel, Claimed c) {
        SendResult result;
        try {
            result = guards.get(channel.id()).call(() -> {
                SendResult r = channel.send(c.notification());
                if (r instanceof SendResult.Transient t) {
                    LOG.debugf("%s: attempt for delivery %d failed: %s", channel.id(), c.id(), t.detail());
                    throw new TransientFailure(t);
                }
                return r;
            }, SendResult.class);
        } catch (TransientFailure t) {
            result = t.result;
        } catch (CircuitBreakerOpenException open) {
            LOG.debugf(open, "%s: circuit breaker open", channel.id());
            result = null;
        } catch (TimeoutException timeout) {
            result = SendResult.transientFailure(channel.type() + " timed out after " + settings.timeout().toMillis()
                    + " ms");
        } catch (Exception other) {
            // the message of an unexpected exception might quote a URL: only its type is kept
            result = SendResult.transientFailure(channel.type() + " failed: " + other.getClass().getSimpleName());
        }
        Instant now = clock.instant();
        Outcome outcome;
        try {
            outcome = decide(channel.id(), c, result, now);
        } catch (RuntimeException e) {
            LOG.warnf("could not judge the result of delivery %d (%s); retrying it", c.id(), e.getMessage());
            outcome = new Outcome.Retry(c.id(), "internal error", now.plus(settings.retryDelay()), true);
        }
        outcomes.add(outcome);
        synchronized (outcomes) {
            outcomes.notifyAll();
        }
        inFlight.decrementAndGet();
        channelInFlight.get(channel.id()).decrementAndGet();
        nudge();
        try {
            String what = outcome instanceof Outcome.Delivered
                    ? "delivered"
                    : outcome instanceof Outcome.Dead ? "dead" : result == null ? "circuit-open" : "retry";
            listener.sent(channel.id(), what, Duration.between(c.createdAt(), now));
        } catch (RuntimeException e) {
            LOG.debugf("metrics listener failed: %s", e.getMessage());
        }
    }

    /** What to record for a send's result (package visible for tests). */
    Outcome decide(String channel, Claimed c, SendResult result, Instant now) {
        if (result == null) {
            return new Outcome.Retry(c.id(), "circuit breaker of " + channel + " is open", now.plus(settings.circuitDelay()),
                    false);
        }
        if (result instanceof SendResult.Delivered d) {
            return new Outcome.Delivered(c.id(), d.detail(), now);
        }
        if (result instanceof SendResult.RetryAfter r) {
            Duration wait = r.delay() == null || r.delay().isNegative() ? Duration.ZERO : r.delay();
            pausedUntil.merge(channel, now.plus(wait), (a, b) -> a.isAfter(b) ? a : b);
            LOG.infof("%s asked to wait %d s (%s)", channel, wait.toSeconds(), r.detail());
            return new Outcome.Retry(c.id(), r.detail(), now.plus(wait), true);
        }
        if (result instanceof SendResult.Transient t) {
            if (LOG.isDebugEnabled()) {
                LOG.debugf("%s: transient failure of delivery %d: %s", channel, c.id(), t.detail());
            }
            if (c.createdAt() != null && Duration.between(c.createdAt(), now).compareTo(settings.giveUpAfter()) > 0) {
                return dead(channel, c, "gave up after " + c.attempts() + " attempts: " + t.detail(), now);
            }
            return new Outcome.Retry(c.id(), t.detail(), now.plus(backoff(c.attempts())), true);
        }
        return dead(channel, c, result.detail(), now);
    }

    private Outcome dead(String channel, Claimed c, String error, Instant now) {
        Notification failed = c.notification();
        LOG.warnf("notification %s (%s) dead-lettered on %s: %s", failed.eventId(), failed.kind(), channel, error);
        List<NewDelivery> notices = new ArrayList<>();
        if (!"delivery.dead-lettered".equals(failed.kind())) {
            for (String other : router.deadLetterChannels(channel)) {
                if (channels.containsKey(other)) {
                    notices.add(new NewDelivery(other,
                            EventInterpreter.deadLetter("dead-letter-" + c.id(), now, failed, channel, error)));
                }
            }
        }
        return new Outcome.Dead(c.id(), error, now, notices);
    }

    /** Durable retry delay after {@code attempts} attempts: doubling from the first delay, capped, ±25 % jitter. */
    Duration backoff(int attempts) {
        long base = settings.retryDelay().toMillis();
        long max = settings.maxRetryDelay().toMillis();
        long delay = base;
        for (int i = 1; i < attempts && delay < max; i++) {
            delay *= 2;
        }
        delay = Math.min(delay, max);
        double jitter = 0.75 + ThreadLocalRandom.current().nextDouble() * 0.5;
        return Duration.ofMillis(Math.max(1, Math.round(delay * jitter)));
    }

    /** Stops claiming, lets sends in flight finish (up to {@code grace}) and records their outcomes. */
    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    public void close(Duration grace) {
        running = false;
        wake();
        if (loop != null) {
            try {
                loop.join(grace.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // claimed ahead but not started: back to the log at once, not after their lease (a restart sends them)
        Instant now = clock.instant();
        synchronized (outcomes) {
            for (java.util.ArrayDeque<Claimed> buffer : ready.values()) {
                Claimed c;
                while ((c = buffer.poll()) != null) {
                    outcomes.add(new Outcome.Retry(c.id(), "released at shutdown", now, false));
                }
            }
        }
        senders.shutdown();
        try {
            senders.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
            if (recorder != null) {
                recorder.join(grace.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            flushOutcomes(clock.instant());
        } catch (RuntimeException e) {
            LOG.warnf("could not record the last outcomes (%s); their leases will expire and they will be retried",
                    e.getMessage());
        }
    }

    /** A transient result, thrown so that the guard retries it and the circuit breaker counts it. */
    static final class TransientFailure extends Exception {
        final SendResult.Transient result;

        TransientFailure(SendResult.Transient result) {
            super(result.detail(), null, false, false);
            this.result = result;
        }
    }
}
