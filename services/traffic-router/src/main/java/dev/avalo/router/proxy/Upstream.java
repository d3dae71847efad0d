package dev.avalo.router.proxy;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One upstream address and its passive health: after {@code ejectAfterFailures} consecutive connect failures it is ejected for
 * {@code ejectFor}. Shared by every route and event loop that uses the address; updated without locks. Each event loop keeps
 * its own idle keep-alive connections to it ({@link #idle(int)}), touched by that loop's thread only.
 */
public final class Upstream {

    private final String host;
    private final int port;
    private final InetSocketAddress address;
    private final ArrayDeque<UpstreamConnection>[] idle;
    private final int ejectAfterFailures;
    private final long ejectForMillis;
    private final Clock clock;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private volatile long ejectedUntil;

    @SuppressWarnings("unchecked")
    Upstream(String host, int port, int ejectAfterFailures, Duration ejectFor, Clock clock, int slots) {
        this.host = host;
        this.port = port;
        // unresolved: the event loop's non-blocking resolver resolves it per new connection (IP literals cost nothing)
        this.address = InetSocketAddress.createUnresolved(host, port);
        this.idle = new ArrayDeque[slots];
        for (int i = 0; i < slots; i++) {
            idle[i] = new ArrayDeque<>();
        }
        this.ejectAfterFailures = Math.max(1, ejectAfterFailures);
        this.ejectForMillis = ejectFor.toMillis();
        this.clock = clock;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    InetSocketAddress address() {
        return address;
    }

    /** The idle keep-alive connections of event loop {@code slot}, most recently used last. Only that loop touches it. */
    ArrayDeque<UpstreamConnection> idle(int slot) {
        return idle[slot];
    }

    /** True while ejected. */
    public boolean isEjected() {
        long until = ejectedUntil;
        return until != 0 && clock.millis() < until;
    }

    /** A connection to it was made. */
    void succeeded() {
        if (consecutiveFailures.get() != 0) {
            consecutiveFailures.set(0);
        }
        if (ejectedUntil != 0) {
            ejectedUntil = 0;
        }
    }

    /** A connection to it failed; ejects it after enough consecutive failures. */
    void connectFailed() {
        if (consecutiveFailures.incrementAndGet() >= ejectAfterFailures) {
            consecutiveFailures.set(0);
            ejectedUntil = clock.millis() + ejectForMillis;
        }
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
