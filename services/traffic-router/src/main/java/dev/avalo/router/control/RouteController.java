package dev.avalo.router.control;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.api.StorageType;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;

import dev.avalo.contracts.DnsLabel;
import dev.avalo.contracts.Json;
import dev.avalo.contracts.route.RouteRejected;
import dev.avalo.contracts.route.RouterApplied;
import dev.avalo.router.backend.TrafficBackend;
import dev.avalo.router.config.RouterConfig;
import dev.avalo.router.nats.RouterNats;

/**
 * The control plane. At start it applies the routes of the state file (so a restart during a NATS outage serves them), then
 * connects to NATS in the background and watches KV bucket {@code avalo-routes} for keys {@code *.<environment>}; after every
 * (re)connect it watches afresh, which replays the latest value of every key.
 * <p>
 * The watch is (re)made on one thread, {@code avalo-route-watch}, which checks every {@value #TICK_MILLIS} ms. It watches
 * afresh when told so by a connection event, and also whenever the server it is connected to is not the one the watch was made
 * on (a restarted nats-server has a new server id), so a lost or late connection event cannot leave the router on a dead watch.
 * When a JetStream request fails (the server is slow or still recovering after a restart) it retries with exponential backoff
 * from {@value #RETRY_MIN_MILLIS} ms to {@value #RETRY_MAX_MILLIS} ms; every jnats call it makes has a timeout, so the thread
 * is never blocked for good.
 * <p>
 * Each PUT is applied through {@link RouteApplier}: an applied generation is persisted and acked on
 * {@code avalo.evt.router.applied.<service>.<env>}; a replay of the generation in force is acked again (so an orchestrator that
 * missed the ack during an outage hears it); an older generation is ignored without an ack; a malformed route is logged, the
 * previous route kept, and a {@link RouteRejected} published on {@code avalo.evt.router.rejected}. A DELETE of a key leaves its
 * route in force (the router has no "no route" state to fall back to). Nothing here prevents startup or throws out of the
 * watcher.
 */
@ApplicationScoped
public class RouteController {

    /** How often the watch is checked and, when NATS is up but nothing (or a dead server) is watched, set up again. */
    static final long TICK_MILLIS = 250;
    /** First pause after a failed attempt to watch; doubled after each further failure. */
    static final long RETRY_MIN_MILLIS = 250;
    /** Longest pause between attempts to watch. */
    static final long RETRY_MAX_MILLIS = 2000;
    /** Consecutive failed attempts to watch on a connected connection after which it is made again. */
    static final int FORCE_RECONNECT_AFTER = 4;
    /**
     * How long after a reconnect the watch waits for jnats' RESUBSCRIBED event before watching anyway (a JetStream request made
     * before jnats re-subscribed its reply inbox would lose its reply; waiting forever for an event would be worse).
     */
    static final long RESUBSCRIBE_GRACE_MILLIS = 5000;

    private final RouterConfig config;
    private final RouterNats nats;
    private final Clock clock;
    private final RouteApplier applier;
    private final String routerId;
    private final ScheduledExecutorService executor;

    private volatile NatsKeyValueWatchSubscription watch;
    private volatile Connection watchedOn;
    /** The id of the server the watch was made on; a restarted server has another one. */
    private volatile String watchedServerId;
    private volatile boolean watching;
    private volatile boolean rewatch;
    /** Between a disconnect and jnats re-establishing its subscriptions, when JetStream requests would lose their replies. */
    private volatile boolean reconnecting;
    /** When the watch thread first saw the connection up again while still waiting for RESUBSCRIBED (nanoTime), or 0. */
    private long reconnectedAt;
    /** Consecutive failed attempts to watch, and when the next may be made (nanoTime); watch thread only. */
    private int failures;
    private long nextAttemptAt;

    public RouteController(RouterConfig config, TrafficBackend backend, RouterNats nats, Clock clock) {
        this.config = config;
        this.nats = nats;
        this.clock = clock;
        this.applier = new RouteApplier(backend, config.environment(), new RouteStateFile(Path.of(config.stateFile())),
                clock);
        this.routerId = RouterIdentity.resolve(config.id());
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "avalo-route-watch");
            t.setDaemon(true);
            return t;
        });
    }

    void onStart(@Observes StartupEvent event) {
        DnsLabel.require("avalo.router.environment", config.environment());
        restore();
        try {
            nats.start(this::onConnectionEvent);
            executor.scheduleWithFixedDelay(this::ensureWatching, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            Log.errorf(e, "cannot start watching routes; serving %d routes from %s", applier.applied().size(),
                    applier.stateFile().path());
        }
    }

    /** Applies the state file's routes; problems are logged, never thrown. */
    void restore() {
        try {
            List<RouteApplier.Result> results = applier.restore();
            long applied = results.stream().filter(RouteApplier.Applied.class::isInstance).count();
            for (RouteApplier.Result r : results) {
                if (r instanceof RouteApplier.Rejected rejected) {
                    Log.warnf("state file %s: route %s not restored: %s", applier.stateFile().path(), rejected.key(),
                            String.join("; ", rejected.problems()));
                }
            }
            Log.infof("restored %d routes from %s", applied, applier.stateFile().path());
        } catch (RuntimeException e) {
            Log.warnf("cannot restore routes from %s: %s; starting without them", applier.stateFile().path(),
                    e.getMessage());
        }
    }

    private void onConnectionEvent(Connection connection, ConnectionListener.Events event) {
        switch (event) {
            // after a reconnect, only once jnats has re-established its subscriptions (RESUBSCRIBED follows RECONNECTED):
            // JetStream requests made in between do not get their replies
            case CONNECTED, RESUBSCRIBED -> {
                reconnecting = false;
                Log.infof("NATS %s; watching routes of %s", event.getEvent(), config.environment());
                rewatch = true;
                submit();
            }
            case DISCONNECTED -> {
                if (watching) {
                    Log.warnf("NATS disconnected; fail-static: serving the %d routes in force", applier.applied().size());
                }
                watching = false;
                reconnecting = true;
            }
            case CLOSED -> watching = false;
            default -> {
            }
        }
    }

    private void submit() {
        try {
            executor.execute(this::ensureWatching);
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    /**
     * Runs on the watch thread only: (re)creates the KV watch when connected and not watching, told to watch afresh, or
     * connected to another server than the one watched; after a failure, not before the backoff has passed.
     */
    private void ensureWatching() {
        try {
            Connection c = nats.connection();
            if (c == null || c.getStatus() != Connection.Status.CONNECTED) {
                watching = false;
                reconnectedAt = 0;
                return;
            }
            if (!reconnecting) {
                reconnectedAt = 0;
            } else if (!resubscribeGraceOver()) {
                watching = false;
                return;
            }
            String serverId = serverId(c);
            if (watching && !rewatch && watchedOn == c && Objects.equals(serverId, watchedServerId)) {
                return;
            }
            if (rewatch) {
                // a new connection or server: try at once, whatever failed before
                rewatch = false;
                failures = 0;
                nextAttemptAt = 0;
            }
            if (failures > 0 && System.nanoTime() - nextAttemptAt < 0) {
                watching = false;
                return;
            }
            stopWatch();
            ensureBucket(c);
            String pattern = "*." + config.environment();
            watch = c.keyValue(nats.config().routesBucket()).watch(pattern, new Watcher());
            watchedOn = c;
            watchedServerId = serverId;
            watching = true;
            Log.infof("watching KV %s keys %s%s", nats.config().routesBucket(), pattern,
                    failures > 0 ? " after " + failures + " failed attempts" : "");
            failures = 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            watching = false;
            failures++;
            long backoff = backoffMillis(failures);
            nextAttemptAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoff);
            if (failures == 1 || failures % 10 == 0) {
                Log.warnf("cannot watch KV %s yet (%s); attempt %d failed, retrying in %d ms",
                        nats.config().routesBucket(), e.getMessage(), failures, backoff);
            } else {
                Log.debugf("cannot watch KV %s yet (%s); attempt %d failed, retrying in %d ms",
                        nats.config().routesBucket(), e.getMessage(), failures, backoff);
            }
            if (failures % FORCE_RECONNECT_AFTER == 0) {
                forceReconnect(failures);
            }
        }
    }

    /**
     * A connection that says it is connected but on which JetStream keeps not answering is made again: seen after a nats-server
     * restart, when the client had reconnected to the old process while it was shutting down and then never got a JetStream
     * answer again, even from the new one.
     */
    private void forceReconnect(int failures) {
        Connection c = nats.connection();
        if (c == null || c.getStatus() != Connection.Status.CONNECTED) {
            return;
        }
        Log.warnf("JetStream has not answered %d attempts on this NATS connection; forcing a reconnect", failures);
        try {
            c.forceReconnect();
        } catch (IOException | RuntimeException e) {
            Log.warnf("forced NATS reconnect failed: %s", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The pause after {@code failures} consecutive failed attempts: 250 ms doubling up to 2 s, with up to 20 % jitter. */
    static long backoffMillis(int failures) {
        long base = RETRY_MIN_MILLIS << Math.min(Math.max(failures - 1, 0), 10);
        long capped = Math.min(base, RETRY_MAX_MILLIS);
        return capped + ThreadLocalRandom.current().nextLong(capped / 5 + 1);
    }

    /** True once the connection has been up for {@link #RESUBSCRIBE_GRACE_MILLIS} without jnats' RESUBSCRIBED event. */
    private boolean resubscribeGraceOver() {
        long now = System.nanoTime();
        if (reconnectedAt == 0) {
            reconnectedAt = now;
            return false;
        }
        if (now - reconnectedAt < TimeUnit.MILLISECONDS.toNanos(RESUBSCRIBE_GRACE_MILLIS)) {
            return false;
        }
        Log.warnf("NATS reconnected %d ms ago without a resubscribed event; watching routes anyway",
                TimeUnit.NANOSECONDS.toMillis(now - reconnectedAt));
        reconnecting = false;
        reconnectedAt = 0;
        rewatch = true;
        return true;
    }

    private static String serverId(Connection c) {
        try {
            return c.getServerInfo() == null ? null : c.getServerInfo().getServerId();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Creates the routes bucket as the orchestrator does when it does not exist yet, so either service may start first. */
    private void ensureBucket(Connection c) throws IOException, JetStreamApiException {
        KeyValueManagement kvm = c.keyValueManagement();
        try {
            kvm.getStatus(nats.config().routesBucket());
        } catch (JetStreamApiException notFound) {
            if (notFound.getErrorCode() != 404) {
                throw notFound;
            }
            kvm.create(KeyValueConfiguration.builder().name(nats.config().routesBucket()).maxHistoryPerKey(10)
                    .storageType(StorageType.File).build());
            Log.infof("created KV bucket %s", nats.config().routesBucket());
        }
    }

    private void stopWatch() {
        NatsKeyValueWatchSubscription w = watch;
        watch = null;
        watching = false;
        if (w != null) {
            try {
                w.unsubscribe();
            } catch (RuntimeException e) {
                // the old subscription belongs to a dead connection or server; nothing to release
            }
        }
    }

    /** Handles one KV value; never throws. */
    void onEntry(String key, byte[] value) {
        RouteApplier.Result result = applier.accept(key, value);
        if (result instanceof RouteApplier.Applied applied) {
            try {
                applier.persist();
            } catch (RuntimeException e) {
                Log.errorf("route %s generation %d is in force but %s could not be written: %s", key,
                        applied.route().route().generation(), applier.stateFile().path(), e.getMessage());
            }
            ack(applied.route());
            Log.infof("applied route %s generation %d (canary %d bp)", key, applied.route().route().generation(),
                    applied.route().route().canaryWeightBasisPoints());
        } else if (result instanceof RouteApplier.Stale stale) {
            if (stale.isReplay()) {
                ack(stale.current());
            } else {
                Log.infof("ignored route %s generation %d: generation %d is in force", key, stale.generation(),
                        stale.current() == null ? -1 : stale.current().route().generation());
            }
        } else if (result instanceof RouteApplier.Rejected rejected) {
            Log.warnf("refused route %s%s: %s; the previous route stays in force", key,
                    rejected.generation() == null ? "" : " generation " + rejected.generation(),
                    String.join("; ", rejected.problems()));
            nats.publish(rejectedSubject(), Json.encode(new RouteRejected(routerId, key, rejected.generation(),
                    rejected.problems(), clock.instant())));
        }
    }

    private void ack(AppliedRoute route) {
        if (route == null) {
            return;
        }
        RouterApplied ack = new RouterApplied(routerId, route.route().generation(),
                route.appliedAt() == null ? clock.instant() : route.appliedAt());
        nats.publish(nats.subjects().routerApplied(route.route().service(), route.route().environment()),
                Json.encode(ack));
    }

    /** {@code <prefix>.evt.router.rejected}: where refused routes are reported. */
    public String rejectedSubject() {
        return nats.subjects().prefix() + ".evt.router.rejected";
    }

    /** This router's id in acks and rejections. */
    public String routerId() {
        return routerId;
    }

    /**
     * True while connected to NATS and watching the routes bucket on the server connected to (live); false in fail-static mode.
     */
    public boolean isLive() {
        Connection c = nats.connection();
        if (!watching || c == null || c.getStatus() != Connection.Status.CONNECTED || watchedOn != c) {
            return false;
        }
        return Objects.equals(serverId(c), watchedServerId);
    }

    /** The routes in force, by service. */
    public List<AppliedRoute> applied() {
        return applier.applied();
    }

    /** The route of {@code service} in force. */
    public Optional<AppliedRoute> applied(String service) {
        return applier.applied(service);
    }

    public String environment() {
        return config.environment();
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
        stopWatch();
    }

    private final class Watcher implements KeyValueWatcher {

        @Override
        public void watch(KeyValueEntry entry) {
            try {
                if (entry.getOperation() != KeyValueOperation.PUT) {
                    Log.infof("route %s was %s in KV; keeping it in force", entry.getKey(),
                            entry.getOperation().name().toLowerCase(java.util.Locale.ROOT));
                    return;
                }
                onEntry(entry.getKey(), entry.getValue());
            } catch (RuntimeException e) {
                Log.errorf(e, "route %s could not be handled", entry.getKey());
            }
        }

        @Override
        public void endOfData() {
            Log.debugf("route watch caught up: %d routes in force", applier.applied().size());
        }
    }
}
