package dev.avalo.router.nats;

import java.io.IOException;
import java.time.Duration;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.quarkus.logging.Log;

import dev.avalo.contracts.Subjects;
import dev.avalo.router.config.NatsConfig;

/**
 * The router's NATS connection. The router must start and serve without NATS (fail-static), so the first connect is tried in
 * the background until it succeeds, {@value #CONNECT_RETRY_MILLIS} ms after the first failure and doubling up to
 * {@value #CONNECT_RETRY_MAX_MILLIS} ms (each attempt builds a whole jnats connection, threads included, and on a proxy pinned
 * to one core that work pre-empts the data plane); from then on jnats reconnects by itself, forever. {@link #publish} drops
 * messages while disconnected (metric samples and acks are worthless late).
 * <p>
 * The first connect is a loop of single {@code Nats.connect} attempts rather than {@code Nats.connectReconnectOnConnect}: that
 * one keeps retrying inside jnats and ignores interrupts, so a router closed before NATS ever answered (a test app, a pod
 * stopped during an outage) would leave a thread and a connection retrying forever. Connection events of a failed attempt are
 * dropped, so a late "disconnected" of an abandoned attempt can never be taken for news about the live connection.
 */
@ApplicationScoped
public class RouterNats {

    /** First pause between first-connect attempts, as jnats' reconnect wait. */
    static final long CONNECT_RETRY_MILLIS = 500;
    /** Longest pause between first-connect attempts. */
    static final long CONNECT_RETRY_MAX_MILLIS = 4000;

    private final NatsConfig config;
    private final Subjects subjects;
    private volatile Connection connection;
    private volatile boolean closed;
    private boolean started;
    private Thread connector;

    public RouterNats(NatsConfig config) {
        this.config = config;
        this.subjects = Subjects.withPrefix(config.subjectPrefix());
    }

    /**
     * Starts connecting on a background thread and returns at once; {@code listener} hears the events of the connection that
     * succeeds. Later calls do nothing.
     */
    public synchronized void start(ConnectionListener listener) {
        if (started) {
            return;
        }
        started = true;
        Thread connector = new Thread(() -> connectUntilConnectedOrClosed(listener), "avalo-nats-connect");
        connector.setDaemon(true);
        connector.start();
        this.connector = connector;
    }

    private void connectUntilConnectedOrClosed(ConnectionListener listener) {
        int failures = 0;
        while (!closed) {
            Attempt attempt = new Attempt(listener);
            try {
                Connection c = Nats.connect(options(attempt));
                synchronized (this) {
                    if (!closed) {
                        connection = c;
                        if (failures > 0) {
                            Log.infof("NATS at %s reachable after %d failed attempts", config.url(), failures);
                        }
                        return;
                    }
                }
                c.close();
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException | RuntimeException e) {
                attempt.failed = true;
                if (failures++ == 0) {
                    Log.warnf("NATS at %s not reachable (%s); the router serves its last routes and retries every %d to %d ms",
                            config.url(), e.getMessage(), CONNECT_RETRY_MILLIS, CONNECT_RETRY_MAX_MILLIS);
                } else {
                    Log.debugf("NATS at %s still not reachable (attempt %d: %s)", config.url(), failures + 1,
                            e.getMessage());
                }
            }
            try {
                Thread.sleep(retryDelayMillis(failures));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The pause after {@code failures} (≥ 1) failed first-connect attempts: 500 ms, doubling, at most 4 s. */
    static long retryDelayMillis(int failures) {
        int doublings = Math.max(0, Math.min(failures - 1, 10));
        return Math.min(CONNECT_RETRY_MAX_MILLIS, CONNECT_RETRY_MILLIS << doublings);
    }

    private Options options(Attempt attempt) {
        Options.Builder options = new Options.Builder()
                .server(config.url())
                .connectionName("avalo-traffic-router")
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(CONNECT_RETRY_MILLIS))
                .connectionTimeout(Duration.ofSeconds(2))
                .connectionListener(attempt)
                .errorListener(new io.nats.client.ErrorListener() {
                });
        config.credentials().ifPresent(path -> options.authHandler(Nats.credentials(path)));
        return options.build();
    }

    /** One first-connect attempt: passes its connection's events on unless the attempt failed or the router closed. */
    private final class Attempt implements ConnectionListener {

        private final ConnectionListener listener;
        private volatile boolean failed;

        Attempt(ConnectionListener listener) {
            this.listener = listener;
        }

        @Override
        @SuppressWarnings("deprecation") // jnats 2.25 also offers a four-argument variant; this one is all we need
        public void connectionEvent(Connection conn, Events event) {
            if (failed || closed) {
                return;
            }
            connection = conn;
            listener.connectionEvent(conn, event);
        }
    }

    /** The connection, or null before the first successful connect. */
    public Connection connection() {
        return connection;
    }

    public boolean isConnected() {
        Connection c = connection;
        return c != null && c.getStatus() == Connection.Status.CONNECTED;
    }

    public Subjects subjects() {
        return subjects;
    }

    public NatsConfig config() {
        return config;
    }

    /** Publishes on core NATS when connected; otherwise drops the message and returns false. */
    public boolean publish(String subject, byte[] body) {
        Connection c = connection;
        if (c == null || c.getStatus() != Connection.Status.CONNECTED) {
            return false;
        }
        try {
            c.publish(subject, body);
            return true;
        } catch (IllegalStateException e) {
            // closed or disconnected between the check and the publish
            return false;
        }
    }

    @PreDestroy
    synchronized void close() {
        closed = true;
        if (connector != null && connector.isAlive()) {
            connector.interrupt();
        }
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
