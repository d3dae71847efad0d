package dev.avalo.orchestrator.outbox;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.nats.client.KeyValue;
import io.nats.client.PublishOptions;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.PublishAck;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

import dev.avalo.contracts.Json;
import dev.avalo.contracts.route.DesiredRoute;
import dev.avalo.orchestrator.config.OrchestratorConfig;
import dev.avalo.orchestrator.nats.NatsClient;

/**
 * Drains the outbox to NATS: events to JetStream (the event id is the {@code Nats-Msg-Id}, so a re-publish after a crash is
 * deduplicated), routes to KV {@code avalo-routes} with a compare-and-set that never replaces a newer generation. Rows are
 * locked with {@code SKIP LOCKED}, so replicas drain in parallel without doubling.
 */
@ApplicationScoped
public class OutboxPublisher {

    private final OutboxStore outbox;
    private final NatsClient nats;
    private final OrchestratorConfig config;
    private final Clock clock;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "avalo-outbox");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean pending = new AtomicBoolean();
    private final NatsFailures natsFailures = new NatsFailures();
    /** Last written KV revision and route generation per key, so routes can be written pipelined with CAS. */
    private final Map<String, long[]> written = new java.util.concurrent.ConcurrentHashMap<>();

    public OutboxPublisher(OutboxStore outbox, NatsClient nats, OrchestratorConfig config, Clock clock) {
        this.outbox = outbox;
        this.nats = nats;
        this.config = config;
        this.clock = clock;
    }

    /**
     * Watches the routes bucket so the revision cache follows every writer (this replica, other replicas): routes can then be
     * written pipelined with compare-and-set, and a CAS fails only on a true race.
     */
    public void start() {
        try {
            nats.routes().watchAll(new io.nats.client.api.KeyValueWatcher() {
                @Override
                public void watch(KeyValueEntry e) {
                    remember(e);
                }

                @Override
                public void endOfData() {
                    Log.debugf("route cache loaded: %d keys", written.size());
                }
            });
        } catch (Exception e) {
            Log.warnf("cannot watch the routes bucket (routes are then written read-compare-update): %s",
                    e.getMessage());
        }
    }

    private void remember(KeyValueEntry e) {
        if (e.getOperation() != KeyValueOperation.PUT || e.getValue() == null) {
            written.remove(e.getKey());
            return;
        }
        try {
            long generation = Json.decode(e.getValue(), DesiredRoute.class).generation();
            written.merge(e.getKey(), new long[]{e.getRevision(), generation}, (a, b) -> a[0] >= b[0] ? a : b);
        } catch (RuntimeException bad) {
            written.remove(e.getKey());
        }
    }

    /** Asks for a drain soon (coalesced: many nudges, one drain). */
    public void nudge() {
        if (pending.compareAndSet(false, true)) {
            executor.execute(() -> {
                pending.set(false);
                drainQuietly();
            });
        }
    }

    @Scheduled(every = "${avalo.orchestrator.outbox.every:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void periodic() {
        nudge();
    }

    /** Published rows are kept a day for inspection, then deleted. */
    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void purge() {
        try {
            int n = QuarkusTransaction.requiringNew().call(() -> outbox.purge(clock.instant().minusSeconds(86400)));
            if (n > 0) {
                Log.debugf("purged %d published outbox rows", n);
            }
        } catch (RuntimeException e) {
            Log.warnf("outbox purge failed: %s", e.getMessage());
        }
    }

    private void drainQuietly() {
        try {
            drain();
            natsFailures.succeeded();
        } catch (RuntimeException e) {
            Log.warnf("outbox drain failed, will retry: %s", e.getMessage());
            if (natsFailures.failed(e)) {
                nats.forceReconnect("the outbox drain failed on NATS " + natsFailures.consecutive() + " times in a row");
            }
        }
    }

    /** Publishes every pending row; returns how many. */
    public int drain() {
        int total = 0;
        while (true) {
            int n = QuarkusTransaction.requiringNew().call(this::drainBatch);
            total += n;
            if (n < config.outbox().batch()) {
                return total;
            }
        }
    }

    private int drainBatch() throws Exception {
        List<OutboxStore.Row> rows = outbox.lockPending(config.outbox().batch());
        if (rows.isEmpty()) {
            return 0;
        }
        Map<String, OutboxStore.Row> latestRoute = new LinkedHashMap<>();
        for (OutboxStore.Row row : rows) {
            if (row.kind() == OutboxStore.Kind.ROUTE) {
                latestRoute.merge(row.subject(), row, (a, b) -> a.generation() >= b.generation() ? a : b);
            }
        }
        // routes first: traffic matters more than telling people about it
        putRoutes(latestRoute.values());
        List<CompletableFuture<PublishAck>> acks = new ArrayList<>();
        for (OutboxStore.Row row : rows) {
            if (row.kind() == OutboxStore.Kind.EVENT) {
                acks.add(nats.jetStream().publishAsync(row.subject(), row.payload(),
                        PublishOptions.builder().messageId(row.msgId()).build()));
            }
        }
        for (CompletableFuture<PublishAck> ack : acks) {
            ack.get(10, TimeUnit.SECONDS);
        }
        outbox.markPublished(rows.stream().map(OutboxStore.Row::id).toList(), clock.instant());
        return rows.size();
    }

    /**
     * Writes routes to KV, pipelined: each is a compare-and-set on the key's last revision known here, so a newer generation
     * written by another replica is never replaced. A key not known yet, or whose CAS fails, takes the slow path: read, compare
     * generations, update.
     */
    private void putRoutes(java.util.Collection<OutboxStore.Row> routes) throws Exception {
        KeyValue kv = nats.routes();
        String bucketSubject = "$KV." + nats.routesBucketName() + ".";
        Map<OutboxStore.Row, CompletableFuture<PublishAck>> inFlight = new LinkedHashMap<>();
        for (OutboxStore.Row row : routes) {
            long[] known = written.get(row.subject());
            if (known == null) {
                putRoute(kv, row);
                continue;
            }
            if (known[1] >= row.generation()) {
                continue;
            }
            inFlight.put(row, nats.jetStream().publishAsync(bucketSubject + row.subject(), row.payload(),
                    PublishOptions.builder().expectedLastSubjectSequence(known[0]).build()));
        }
        for (Map.Entry<OutboxStore.Row, CompletableFuture<PublishAck>> e : inFlight.entrySet()) {
            OutboxStore.Row row = e.getKey();
            try {
                PublishAck ack = e.getValue().get(10, TimeUnit.SECONDS);
                written.merge(row.subject(), new long[]{ack.getSeqno(), row.generation()},
                        (a, b) -> a[0] >= b[0] ? a : b);
            } catch (java.util.concurrent.ExecutionException failed) {
                // another writer moved the key (wrong last sequence): read and compare
                written.remove(row.subject());
                putRoute(kv, row);
            }
        }
    }

    private void putRoute(KeyValue kv, OutboxStore.Row row) throws Exception {
        KeyValueEntry current = kv.get(row.subject());
        long revision;
        if (current == null) {
            revision = kv.create(row.subject(), row.payload());
        } else if (current.getOperation() != KeyValueOperation.PUT || current.getValue() == null) {
            revision = kv.update(row.subject(), row.payload(), current.getRevision());
        } else {
            long existing = Json.decode(current.getValue(), DesiredRoute.class).generation();
            if (existing >= row.generation()) {
                written.put(row.subject(), new long[]{current.getRevision(), existing});
                return;
            }
            revision = kv.update(row.subject(), row.payload(), current.getRevision());
        }
        written.put(row.subject(), new long[]{revision, row.generation()});
    }

    @PreDestroy
    void stop() {
        executor.shutdown();
    }
}
