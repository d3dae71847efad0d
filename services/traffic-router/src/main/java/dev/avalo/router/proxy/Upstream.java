package dev.avalo.router.proxy;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.vertx.core.net.SocketAddress;

/**
 * One upstream address and its passive health: after {@code ejectAfterFailures} consecutive connect failures it is ejected for
 * {@code ejectFor}. Shared by every route and event loop that uses the address; updated without locks.
 */
public final class Upstream {

    private final String host;
    private final int port;
    private final SocketAddress address;
    private final int ejectAfterFailures;
    private final long ejectForMillis;
    private final Clock clock;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private volatile long ejectedUntil;

    Upstream(String host, int port, int ejectAfterFailures, Duration ejectFor, Clock clock) {
        this.host = host;
        this.port = port;
        this.address = SocketAddress.inetSocketAddress(port, host);
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

    SocketAddress address() {
        return address;
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
