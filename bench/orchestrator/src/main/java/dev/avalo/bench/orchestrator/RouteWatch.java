package dev.avalo.bench.orchestrator;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import com.fasterxml.jackson.databind.JsonNode;

import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.NatsKeyValueWatchSubscription;

import dev.avalo.contracts.Json;

/**
 * Watches every key of the routes bucket (latest value per key, then updates) and keeps each key's
 * {@code canaryWeightBasisPoints}. While armed, it records when each watched key first shows weight 0.
 */
final class RouteWatch implements KeyValueWatcher, AutoCloseable {

    private final Set<String> keys;
    private final Map<String, Integer> weights = new ConcurrentHashMap<>();
    private final CountDownLatch initial = new CountDownLatch(1);
    private final NatsKeyValueWatchSubscription sub;

    private volatile long armedAt;
    private volatile Set<String> done;
    private volatile CountDownLatch allZero;
    private volatile long firstZeroNanos = -1;
    private volatile long lastZeroNanos = -1;
    private final Histogram arrivals = new ConcurrentHistogram(3_600_000_000L, 3);

    RouteWatch(KeyValue kv, Set<String> keys) throws Exception {
        this.keys = keys;
        this.sub = kv.watchAll(this);
    }

    @Override
    public void watch(KeyValueEntry e) {
        if (e.getOperation() != KeyValueOperation.PUT || e.getValue() == null) {
            return;
        }
        long at = System.nanoTime();
        int weight;
        try {
            JsonNode route = Json.mapper().readTree(e.getValue());
            weight = route.path("canaryWeightBasisPoints").asInt(-1);
        } catch (Exception ex) {
            return;
        }
        weights.put(e.getKey(), weight);
        Set<String> d = done;
        if (d != null && weight == 0 && keys.contains(e.getKey()) && d.add(e.getKey())) {
            long since = at - armedAt;
            arrivals.recordValue(Math.max(0, since / 1000));
            if (firstZeroNanos < 0) {
                firstZeroNanos = since;
            }
            lastZeroNanos = Math.max(lastZeroNanos, since);
            allZero.countDown();
        }
    }

    @Override
    public void endOfData() {
        initial.countDown();
    }

    /** Waits until every watched key shows {@code weight}; false on timeout. */
    boolean awaitAll(int weight, long timeoutMillis) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMillis;
        initial.await(timeoutMillis, TimeUnit.MILLISECONDS);
        while (System.currentTimeMillis() < end) {
            if (count(weight) == keys.size()) {
                return true;
            }
            Thread.sleep(20);
        }
        return count(weight) == keys.size();
    }

    long count(int weight) {
        return keys.stream().filter(k -> Integer.valueOf(weight).equals(weights.get(k))).count();
    }

    /** Starts timing: from now on, each watched key's first weight-0 value counts once. */
    void arm() {
        allZero = new CountDownLatch(keys.size());
        done = ConcurrentHashMap.newKeySet();
        armedAt = System.nanoTime();
    }

    long armedAtNanos() {
        return armedAt;
    }

    boolean awaitArmedAllZero(long timeoutMillis) throws InterruptedException {
        return allZero.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    int zeroCount() {
        return done == null ? 0 : done.size();
    }

    long firstZeroNanos() {
        return firstZeroNanos;
    }

    long lastZeroNanos() {
        return lastZeroNanos;
    }

    Histogram arrivals() {
        return arrivals;
    }

    @Override
    public void close() {
        try {
            sub.unsubscribe();
        } catch (RuntimeException e) {
            // closing anyway
        }
    }
}
