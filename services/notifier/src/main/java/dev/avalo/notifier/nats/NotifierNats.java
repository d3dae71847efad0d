package dev.avalo.notifier.nats;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.nats.client.impl.Headers;
import io.quarkus.logging.Log;

import dev.avalo.contracts.CloudEvents;
import dev.avalo.contracts.Subjects;
import dev.avalo.notifier.config.NatsConfig;
import dev.avalo.notifier.config.NotifierConfig;

/**
 * The notifier's NATS side: a durable push consumer ({@code avalo-notifier}, queue group so replicas share the work, explicit
 * acks) on every subject of stream {@code AVALO_EVENTS}, and publishing of incident CloudEvents from PagerDuty webhooks to that
 * stream (ensured at start with the shared configuration). The durable remembers its position while the notifier is down, so
 * events published meanwhile wait; it is created with deliver policy {@code new} by default so that a first start does not
 * replay a month of history to Slack. If NATS is down at start, {@link #ensureStarted()} keeps trying while REST works.
 */
@ApplicationScoped
public class NotifierNats {

    static final String QUEUE = "avalo-notifier";
    static final URI SOURCE = URI.create("/avalo/notifier");

    private final NatsConfig config;
    private final NotifierConfig notifier;
    private final Subjects subjects;
    private final Clock clock;
    private volatile Connection connection;
    private volatile JetStream jetStream;
    private volatile Dispatcher dispatcher;
    private volatile JetStreamSubscription subscription;
    private volatile Consumer<Message> handler;

    public NotifierNats(NatsConfig config, NotifierConfig notifier, Clock clock) {
        this.config = config;
        this.notifier = notifier;
        this.subjects = Subjects.withPrefix(config.subjectPrefix());
        this.clock = clock;
    }

    public Subjects subjects() {
        return subjects;
    }

    /** Connects, ensures the stream and starts consuming into {@code handler}; false when NATS is not reachable yet. */
    public synchronized boolean start(Consumer<Message> handler) {
        this.handler = handler;
        return ensureStarted();
    }

    /** Retries the start after a failure (called by a timer). */
    public synchronized boolean ensureStarted() {
        if (subscription != null || handler == null) {
            return subscription != null;
        }
        Dispatcher d = null;
        try {
            Connection c = connection();
            ensureStream(c);
            d = c.createDispatcher();
            String durable = notifier.consumer().durable();
            ConsumerConfiguration cc = ConsumerConfiguration.builder().durable(durable).deliverGroup(QUEUE)
                    .ackPolicy(AckPolicy.Explicit)
                    .deliverPolicy("all".equalsIgnoreCase(notifier.consumer().deliverPolicy())
                            ? DeliverPolicy.All
                            : DeliverPolicy.New)
                    .ackWait(notifier.consumer().ackWait()).maxAckPending(notifier.consumer().maxAckPending())
                    .build();
            Consumer<Message> h = handler;
            subscription = jetStream.subscribe(null, QUEUE, d, h::accept, false,
                    PushSubscribeOptions.builder().stream(config.eventsStream()).configuration(cc).build());
            dispatcher = d;
            Log.infof("consuming stream %s with durable %s", config.eventsStream(), durable);
            return true;
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            if (d != null) {
                try {
                    connection.closeDispatcher(d);
                } catch (RuntimeException ignored) {
                    // closing anyway
                }
            }
            Log.warnf("NATS not ready (%s); REST keeps working, retrying", e.getMessage());
            return false;
        }
    }

    private synchronized Connection connection() {
        if (connection == null) {
            try {
                Options.Builder options = new Options.Builder().server(config.url()).connectionName("avalo-notifier")
                        .maxReconnects(-1).reconnectWait(Duration.ofMillis(500)).connectionTimeout(Duration.ofSeconds(5))
                        .connectionListener((conn, type) -> Log.infof("NATS connection %s", type))
                        .errorListener(new io.nats.client.ErrorListener() {
                        });
                config.credentials().ifPresent(path -> options.authHandler(Nats.credentials(path)));
                Connection c = Nats.connect(options.build());
                jetStream = c.jetStream();
                connection = c;
            } catch (IOException e) {
                throw new IllegalStateException("cannot connect to NATS at " + config.url() + ": " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted connecting to NATS", e);
            }
        }
        return connection;
    }

    private void ensureStream(Connection c) throws IOException, JetStreamApiException {
        JetStreamManagement jsm = c.jetStreamManagement();
        StreamConfiguration wanted = StreamConfiguration.builder().name(config.eventsStream())
                .subjects(subjects.eventStreamSubjects()).storageType(StorageType.File)
                .retentionPolicy(RetentionPolicy.Limits).maxAge(config.eventsRetention())
                .duplicateWindow(Duration.ofMinutes(2)).build();
        try {
            StreamInfo info = jsm.getStreamInfo(config.eventsStream());
            if (!info.getConfiguration().getSubjects().containsAll(wanted.getSubjects())) {
                jsm.updateStream(wanted);
            }
        } catch (JetStreamApiException notFound) {
            if (notFound.getApiErrorCode() != 10059) {
                throw notFound;
            }
            try {
                jsm.addStream(wanted);
                Log.infof("created JetStream stream %s for %s", config.eventsStream(), wanted.getSubjects());
            } catch (JetStreamApiException raced) {
                jsm.getStreamInfo(config.eventsStream());
            }
        }
    }

    /** Publishes a CloudEvent to the events stream (dedup by id within the stream's window). */
    public void publish(String subject, String type, String id, String eventSubject, Object data) {
        if (jetStream == null) {
            throw new IllegalStateException("NATS is not connected");
        }
        byte[] body = CloudEvents.encode(id, SOURCE, type, eventSubject, clock.instant(), data);
        Headers headers = new Headers().put("Content-Type", CloudEvents.CONTENT_TYPE);
        try {
            jetStream.publish(subject, headers, body, PublishOptions.builder().messageId(id)
                    .stream(config.eventsStream()).build());
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException("publishing " + type + " " + id + " failed: " + e.getMessage(), e);
        }
    }

    public boolean isConnected() {
        Connection c = connection;
        return c != null && c.getStatus() == Connection.Status.CONNECTED && subscription != null;
    }

    /** Stops consuming (unacknowledged events stay with JetStream); the connection stays for publishing. */
    public synchronized void stopConsuming() {
        JetStreamSubscription s = subscription;
        subscription = null;
        if (s != null && dispatcher != null) {
            try {
                dispatcher.unsubscribe(s);
                connection.closeDispatcher(dispatcher);
            } catch (RuntimeException e) {
                Log.debugf("unsubscribe: %s", e.getMessage());
            }
            dispatcher = null;
        }
    }

    @PreDestroy
    void close() {
        stopConsuming();
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
