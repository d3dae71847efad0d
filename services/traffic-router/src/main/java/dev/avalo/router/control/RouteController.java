package dev.avalo.router.control;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
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
 * Each PUT is applied through {@link RouteApplier}: an applied generation is persisted and acked on
 * {@code avalo.evt.router.applied.<service>.<env>}; a replay of the generation in force is acked again (so an orchestrator that
 * missed the ack during an outage hears it); an older generation is ignored without an ack; a malformed route is logged, the
 * previous route kept, and a {@link RouteRejected} published on {@code avalo.evt.router.rejected}. A DELETE of a key leaves its
 * route in force (the router has no "no route" state to fall back to). Nothing here prevents startup or throws out of the
 * watcher.
 */
@ApplicationScoped
public class RouteController {

    /** How often the watch is checked and, when NATS is up but nothing is watched, set up again. */
    private static final long ENSURE_EVERY_MILLIS = 1000;

    private final RouterConfig config;
    private final RouterNats nats;
    private final Clock clock;
    private final RouteApplier applier;
    private final String routerId;
    private final ScheduledExecutorService executor;

    private volatile NatsKeyValueWatchSubscription watch;
    private volatile Connection watchedOn;
    private volatile boolean watching;
    private volatile boolean rewatch;
    /** Between a disconnect and jnats re-establishing its subscriptions, when JetStream requests would lose their replies. */
    private volatile boolean reconnecting;

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
            executor.scheduleWithFixedDelay(this::ensureWatching, 0, ENSURE_EVERY_MILLIS, TimeUnit.MILLISECONDS);
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

    /** Runs on the watch thread only: (re)creates the KV watch when connected and not (or no longer) watching. */
    private void ensureWatching() {
        try {
            Connection c = nats.connection();
            if (c == null || c.getStatus() != Connection.Status.CONNECTED || reconnecting) {
                watching = false;
                return;
            }
            if (watching && !rewatch && watchedOn == c) {
                return;
            }
            rewatch = false;
            stopWatch();
            ensureBucket(c);
            String pattern = "*." + config.environment();
            watch = c.keyValue(nats.config().routesBucket()).watch(pattern, new Watcher());
            watchedOn = c;
            watching = true;
            Log.infof("watching KV %s keys %s", nats.config().routesBucket(), pattern);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            watching = false;
            Log.warnf("cannot watch KV %s yet (%s); retrying", nats.config().routesBucket(), e.getMessage());
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

    /** True while connected to NATS and watching the routes bucket (live); false in fail-static mode. */
    public boolean isLive() {
        return watching && nats.isConnected();
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
