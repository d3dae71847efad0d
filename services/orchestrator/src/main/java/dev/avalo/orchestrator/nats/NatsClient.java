package dev.avalo.orchestrator.nats;

import java.io.IOException;
import java.time.Duration;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.quarkus.logging.Log;

import dev.avalo.contracts.Subjects;
import dev.avalo.orchestrator.config.NatsConfig;

/**
 * The orchestrator's NATS connection. At start it ensures stream {@code AVALO_EVENTS} (file storage, limits retention, 30 days)
 * and KV bucket {@code avalo-routes} exist, so any service may start first. The connection reconnects forever; what it could
 * not publish stays in the outbox.
 */
@ApplicationScoped
public class NatsClient {

    private final NatsConfig config;
    private final Subjects subjects;
    private volatile Connection connection;
    private volatile KeyValue routes;
    private volatile JetStream jetStream;

    public NatsClient(NatsConfig config) {
        this.config = config;
        this.subjects = Subjects.withPrefix(config.subjectPrefix());
    }

    /** Connects (once) and ensures the stream and bucket. */
    public synchronized Connection connection() {
        if (connection == null) {
            try {
                Options.Builder options = new Options.Builder()
                        .server(config.url())
                        .connectionName("avalo-orchestrator")
                        .maxReconnects(-1)
                        .reconnectWait(Duration.ofMillis(500))
                        .connectionTimeout(Duration.ofSeconds(5))
                        .connectionListener((conn, type) -> Log.infof("NATS connection %s", type))
                        .errorListener(new io.nats.client.ErrorListener() {
                        });
                config.credentials().ifPresent(path -> options.authHandler(Nats.credentials(path)));
                Connection c = Nats.connect(options.build());
                ensureStream(c);
                KeyValueManagement kvm = c.keyValueManagement();
                try {
                    kvm.getStatus(config.routesBucket());
                } catch (JetStreamApiException notFound) {
                    kvm.create(KeyValueConfiguration.builder().name(config.routesBucket()).maxHistoryPerKey(10)
                            .storageType(StorageType.File).build());
                }
                routes = c.keyValue(config.routesBucket());
                jetStream = c.jetStream();
                connection = c;
            } catch (IOException | JetStreamApiException e) {
                throw new IllegalStateException("cannot set up NATS at " + config.url() + ": " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted connecting to NATS", e);
            }
        }
        return connection;
    }

    private void ensureStream(Connection c) throws IOException, JetStreamApiException {
        JetStreamManagement jsm = c.jetStreamManagement();
        StreamConfiguration wanted = StreamConfiguration.builder()
                .name(config.eventsStream())
                .subjects(subjects.eventStreamSubjects())
                .storageType(StorageType.File)
                .retentionPolicy(RetentionPolicy.Limits)
                .maxAge(config.eventsRetention())
                .duplicateWindow(Duration.ofMinutes(2))
                .build();
        try {
            StreamInfo info = jsm.getStreamInfo(config.eventsStream());
            if (!info.getConfiguration().getSubjects().containsAll(wanted.getSubjects())) {
                jsm.updateStream(wanted);
            }
        } catch (JetStreamApiException notFound) {
            if (notFound.getApiErrorCode() != 10059) {
                throw notFound;
            }
            jsm.addStream(wanted);
            Log.infof("created JetStream stream %s for %s", config.eventsStream(), wanted.getSubjects());
        }
    }

    public Subjects subjects() {
        connection();
        return subjects;
    }

    public KeyValue routes() {
        connection();
        return routes;
    }

    /** The routes bucket's name ({@code avalo-routes}). */
    public String routesBucketName() {
        return config.routesBucket();
    }

    public JetStream jetStream() {
        connection();
        return jetStream;
    }

    /**
     * Makes a connection that says it is connected again ({@link Connection#forceReconnect()}): for JetStream that stopped
     * answering on it after a nats-server restart.
     */
    public void forceReconnect(String why) {
        Connection c = connection;
        if (c == null || c.getStatus() != Connection.Status.CONNECTED) {
            return;
        }
        Log.warnf("forcing a NATS reconnect: %s", why);
        try {
            c.forceReconnect();
        } catch (java.io.IOException | RuntimeException e) {
            Log.warnf("forced NATS reconnect failed: %s", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean isConnected() {
        Connection c = connection;
        return c != null && c.getStatus() == Connection.Status.CONNECTED;
    }

    @PreDestroy
    void close() {
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
