package dev.avalo.orchestrator.outbox;

import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;

/**
 * Consecutive outbox drains that failed on NATS (in the cause chain an {@link IOException} such as "Timeout or no response
 * waiting for NATS JetStream server", or the {@link CancellationException} / {@link TimeoutException} of an asynchronous
 * publish whose answer never came); every {@value #FORCE_RECONNECT_AFTER}nd asks for a forced reconnect. After a nats-server
 * restart a connection can report CONNECTED, carry core NATS, and never get a JetStream answer again (the traffic-router's
 * route watch works around the same with {@code forceReconnect}); seen end to end (e2e NatsRestartIT): the outbox failed every
 * 5 s for minutes, so no route or event left the orchestrator. A database failure does not count.
 */
final class NatsFailures {

    static final int FORCE_RECONNECT_AFTER = 2;

    private int consecutive;

    /** Records a failed drain; true when the connection should be made again now. */
    synchronized boolean failed(Throwable e) {
        if (!causedByIo(e)) {
            return false;
        }
        consecutive++;
        return consecutive % FORCE_RECONNECT_AFTER == 0;
    }

    synchronized void succeeded() {
        consecutive = 0;
    }

    synchronized int consecutive() {
        return consecutive;
    }

    private static boolean causedByIo(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException || t instanceof CancellationException || t instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }
}
