package dev.avalo.notifier.delivery;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import dev.avalo.notifier.delivery.DeliveryStore.NewDelivery;

/**
 * Where consumed events enter the delivery log: a thread takes what arrived, inserts the rows of many events in one
 * transaction, and only then acknowledges those events to JetStream. A crash before the commit leaves the events unacknowledged
 * (JetStream redelivers them); a crash after it but before the acks redelivers events whose rows exist, and the unique (event
 * id, channel) key makes their second insert a no-op. So every event is logged once, none lost.
 */
public final class Inbox implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Inbox.class);

    /** The transport's handle on one consumed event. */
    public interface Receipt {
        /** The rows are committed: acknowledge the event. */
        void ack();

        /** They could not be stored: let the transport redeliver the event later. */
        void retry();
    }

    private record Entry(List<NewDelivery> rows, Receipt receipt) {
    }

    private final DeliveryStore store;
    private final Clock clock;
    private final Runnable afterCommit;
    private final int maxBatch;
    private final LinkedBlockingQueue<Entry> queue = new LinkedBlockingQueue<>();
    private volatile boolean running = true;
    private final Thread thread;

    public Inbox(DeliveryStore store, Clock clock, Runnable afterCommit, int maxBatch) {
        this.store = store;
        this.clock = clock;
        this.afterCommit = afterCommit;
        this.maxBatch = maxBatch;
        this.thread = new Thread(this::run, "avalo-notifier-inbox");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues the rows of one event; the receipt is settled after they are committed (or not). */
    public void offer(List<NewDelivery> rows, Receipt receipt) {
        if (rows.isEmpty()) {
            receipt.ack();
            return;
        }
        if (!running) {
            receipt.retry();
            return;
        }
        queue.add(new Entry(rows, receipt));
    }

    private void run() {
        List<Entry> batch = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Entry first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                batch.clear();
            }
        }
        List<Entry> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(e -> e.receipt().retry());
    }

    private void commit(List<Entry> batch) {
        List<NewDelivery> rows = new ArrayList<>();
        for (Entry e : batch) {
            rows.addAll(e.rows());
        }
        try {
            store.jdbc().tx(() -> store.insert(rows, clock.instant()));
        } catch (RuntimeException e) {
            LOG.warnf("could not log %d events (%s); JetStream will redeliver them", batch.size(), e.getMessage());
            batch.forEach(x -> x.receipt().retry());
            return;
        }
        batch.forEach(x -> x.receipt().ack());
        afterCommit.run();
    }

    /** Stops taking events, commits what is queued, and ends. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
