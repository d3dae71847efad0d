package dev.avalo.router.nats;

import java.time.Duration;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.quarkus.logging.Log;

import dev.avalo.contracts.Subjects;
import dev.avalo.router.config.NatsConfig;

/**
 * The router's NATS connection. The router must start and serve without NATS (fail-static), so the connection is made in the
 * background and retried forever; {@link #publish} drops messages while disconnected (metric samples and acks are worthless
 * late).
 */
@ApplicationScoped
public class RouterNats {

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
     * Starts connecting on a background thread and returns at once ({@code Nats.connectReconnectOnConnect} blocks until the
     * first connect succeeds); {@code listener} hears connection events. Later calls do nothing.
     */
    public synchronized void start(io.nats.client.ConnectionListener listener) {
        if (started) {
            return;
        }
        started = true;
        Options.Builder options = new Options.Builder()
                .server(config.url())
                .connectionName("avalo-traffic-router")
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(500))
                .connectionTimeout(Duration.ofSeconds(2))
                .connectionListener((conn, event) -> {
                    if (!closed) {
                        connection = conn;
                    }
                    listener.connectionEvent(conn, event);
                })
                .errorListener(new io.nats.client.ErrorListener() {
                });
        config.credentials().ifPresent(path -> options.authHandler(Nats.credentials(path)));
        Options built = options.build();
        Thread connector = new Thread(() -> {
            try {
                Connection c = Nats.connectReconnectOnConnect(built);
                if (closed) {
                    c.close();
                } else {
                    connection = c;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                Log.warnf("NATS at %s not reachable (%s); the router serves its last routes", config.url(),
                        e.getMessage());
            }
        }, "avalo-nats-connect");
        connector.setDaemon(true);
        connector.start();
        this.connector = connector;
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
