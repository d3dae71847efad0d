package dev.avalo.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;

/**
 * A test's own NATS connection: records what services publish, answers requests they make, reads KV and publishes or requests
 * on their behalf. Checked NATS exceptions become unchecked; {@link #close()} ends every recorder and responder.
 *
 * <pre>
 * try (NatsProbe nats = NatsProbe.connect(NatsTestResource.url())) {
 *     NatsProbe.Recorder events = nats.record(NatsTestResource.prefix() + ".evt.&gt;");
 *     ...
 *     await().atMost(5, SECONDS).until(() -&gt; events.bodies().size() == 2);
 * }
 * </pre>
 */
public final class NatsProbe implements AutoCloseable {

    private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(5);

    private final Connection connection;
    private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();

    private NatsProbe(Connection connection) {
        this.connection = connection;
    }

    /** Connects to {@code url}, failing fast when no server answers. */
    public static NatsProbe connect(String url) {
        Options options = new Options.Builder()
                .server(url)
                .connectionName("avalo-test-probe")
                .connectionTimeout(Duration.ofSeconds(5))
                .build();
        try {
            return new NatsProbe(Nats.connect(options));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to NATS at " + url + " (run scripts/dev-infra.sh up)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to " + url, e);
        }
    }

    /** The underlying connection, for anything this probe does not cover. */
    public Connection connection() {
        return connection;
    }

    /** The value of {@code key} in KV bucket {@code bucket}; empty when the key or the bucket does not exist or was deleted. */
    public Optional<byte[]> kvGet(String bucket, String key) {
        try {
            KeyValueEntry entry = connection.keyValue(bucket).get(key);
            if (entry == null || entry.getOperation() != KeyValueOperation.PUT) {
                return Optional.empty();
            }
            return Optional.ofNullable(entry.getValue());
        } catch (JetStreamApiException e) {
            if (e.getErrorCode() == 404) {
                return Optional.empty();
            }
            throw new IllegalStateException("KV get " + bucket + "/" + key + " failed", e);
        } catch (IOException e) {
            if (e.getCause() instanceof JetStreamApiException api && api.getErrorCode() == 404) {
                return Optional.empty();
            }
            throw new UncheckedIOException("KV get " + bucket + "/" + key + " failed", e);
        }
    }

    /**
     * Starts recording core NATS messages on {@code subject} (wildcards allowed). The subscription is registered with the
     * server when this returns.
     */
    public Recorder record(String subject) {
        Recorder recorder = new Recorder();
        Dispatcher dispatcher = connection.createDispatcher(recorder::add);
        dispatcher.subscribe(subject);
        recorder.onClose(() -> connection.closeDispatcher(dispatcher));
        closeables.add(recorder);
        flush();
        return recorder;
    }

    /**
     * Starts recording stream {@code stream} from its first message with an ordered (ephemeral, unacknowledged) JetStream
     * consumer; {@code filterSubject} may be null for every subject.
     */
    public Recorder recordStream(String stream, String filterSubject) {
        Recorder recorder = new Recorder();
        OrderedConsumerConfiguration config = new OrderedConsumerConfiguration();
        if (filterSubject != null) {
            config.filterSubject(filterSubject);
        }
        try {
            MessageConsumer consumer = connection.getStreamContext(stream).createOrderedConsumer(config).consume(recorder::add);
            recorder.onClose(consumer::close);
        } catch (JetStreamApiException e) {
            throw new IllegalStateException("cannot consume stream " + stream, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot consume stream " + stream, e);
        }
        closeables.add(recorder);
        return recorder;
    }

    /**
     * Answers every core request on {@code subject} with {@code handler}'s bytes (messages without reply subject are ignored).
     * A handler returning null sends no reply: the requester times out, as with a peer that is down.
     */
    public void respond(String subject, Function<Message, byte[]> handler) {
        Dispatcher dispatcher = connection.createDispatcher(message -> {
            if (message.getReplyTo() != null) {
                byte[] reply = handler.apply(message);
                if (reply != null) {
                    connection.publish(message.getReplyTo(), reply);
                }
            }
        });
        dispatcher.subscribe(subject);
        closeables.add(() -> connection.closeDispatcher(dispatcher));
        flush();
    }

    /** Publishes a core NATS message and flushes, so the server has it when this returns. */
    public void publish(String subject, byte[] body) {
        connection.publish(subject, body);
        flush();
    }

    /**
     * Sends a core request and waits for the reply.
     *
     * @throws IllegalStateException
     *             when nobody answers within {@code timeout} (or there are no responders)
     */
    public Message request(String subject, Headers headers, byte[] body, Duration timeout) {
        Message message = NatsMessage.builder().subject(subject).headers(headers).data(body).build();
        try {
            return connection.requestWithTimeout(message, timeout).get(timeout.toMillis() + 1000,
                    TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | CancellationException e) {
            throw new IllegalStateException("no reply on " + subject + " within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for a reply on " + subject, e);
        }
    }

    /** Stops every recorder and responder and closes the connection. */
    @Override
    public void close() {
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception e) {
                // best effort: the connection is closed next anyway
            }
        }
        closeables.clear();
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void flush() {
        try {
            connection.flush(FLUSH_TIMEOUT);
        } catch (TimeoutException e) {
            throw new IllegalStateException("NATS flush timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during NATS flush", e);
        }
    }

    /** Messages received by one subscription, in arrival order; safe to read while messages arrive. */
    public static final class Recorder implements AutoCloseable {

        private final List<Message> messages = new CopyOnWriteArrayList<>();
        private final List<AutoCloseable> onClose = new CopyOnWriteArrayList<>();

        private Recorder() {
        }

        private void add(Message message) {
            messages.add(message);
        }

        private void onClose(AutoCloseable action) {
            onClose.add(action);
        }

        /** A snapshot of the messages received so far. */
        public List<Message> messages() {
            return List.copyOf(messages);
        }

        /** A snapshot of the message bodies received so far, decoded as UTF-8. */
        public List<String> bodies() {
            List<String> bodies = new ArrayList<>();
            for (Message message : messages) {
                byte[] data = message.getData();
                bodies.add(data == null ? "" : new String(data, StandardCharsets.UTF_8));
            }
            return bodies;
        }

        /** The number of messages received so far. */
        public int size() {
            return messages.size();
        }

        /** Forgets the messages received so far (recording continues). */
        public void clear() {
            messages.clear();
        }

        /** Stops recording. */
        @Override
        public void close() {
            for (AutoCloseable action : onClose) {
                try {
                    action.close();
                } catch (Exception e) {
                    // best effort
                }
            }
            onClose.clear();
        }
    }
}
