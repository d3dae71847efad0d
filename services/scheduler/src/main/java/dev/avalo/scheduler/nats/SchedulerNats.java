package dev.avalo.scheduler.nats;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.cloudevents.CloudEvent;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
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
import dev.avalo.contracts.Json;
import dev.avalo.contracts.Subjects;
import dev.avalo.contracts.incident.IncidentEventData;
import dev.avalo.contracts.problem.Problem;
import dev.avalo.contracts.schedule.ScheduleCheckReply;
import dev.avalo.contracts.schedule.ScheduleCheckRequest;
import dev.avalo.scheduler.check.ScheduleService;
import dev.avalo.scheduler.config.NatsConfig;
import dev.avalo.scheduler.config.SchedulerConfig;
import dev.avalo.scheduler.freeze.EventSink;
import dev.avalo.scheduler.incident.IncidentService;
import dev.avalo.scheduler.problem.ApiException;
import dev.avalo.scheduler.problem.Problems;
import dev.avalo.scheduler.problem.ValidationException;
import dev.avalo.scheduler.security.Caller;
import dev.avalo.scheduler.security.Callers;

/**
 * The scheduler's NATS side: answers {@code avalo.cmd.schedule.check} (queue group, so replicas share it), consumes
 * {@code avalo.evt.incident.>} from stream {@code AVALO_EVENTS} with a durable consumer, and publishes freeze and incident
 * CloudEvents to that stream (ensured at start with the shared configuration). The connection reconnects forever; if NATS is
 * down at start, {@link #ensureStarted()} keeps trying while REST works.
 * <p>
 * Emergency overrides on NATS: an {@code Authorization: Bearer} header is verified and must hold approver; without one the
 * emergency is trusted as authorised by the caller (the orchestrator checks approver first) when
 * {@code avalo.scheduler.override.trust-nats-caller} is on, and refused otherwise.
 */
@ApplicationScoped
public class SchedulerNats implements EventSink {

    static final String QUEUE = "avalo-scheduler";
    static final String DURABLE = "avalo-scheduler-incidents";
    /** Reply header carrying the HTTP-equivalent status. */
    public static final String STATUS_HEADER = "Avalo-Status";
    static final URI SOURCE = URI.create("/avalo/scheduler");

    private final NatsConfig config;
    private final SchedulerConfig scheduler;
    private final Subjects subjects;
    private final Callers callers;
    private final Clock clock;
    private final ExecutorService workers = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "avalo-scheduler-nats");
        t.setDaemon(true);
        return t;
    });
    private volatile Connection connection;
    private volatile JetStream jetStream;
    private volatile Dispatcher dispatcher;
    private volatile ScheduleService schedule;
    private volatile IncidentService incidents;

    public SchedulerNats(NatsConfig config, SchedulerConfig scheduler, Callers callers, Clock clock) {
        this.config = config;
        this.scheduler = scheduler;
        this.subjects = Subjects.withPrefix(config.subjectPrefix());
        this.callers = callers;
        this.clock = clock;
    }

    public Subjects subjects() {
        return subjects;
    }

    /** Connects, ensures the stream and subscribes; idempotent; false when NATS is not reachable yet. */
    public synchronized boolean start(ScheduleService schedule, IncidentService incidents) {
        this.schedule = schedule;
        this.incidents = incidents;
        return ensureStarted();
    }

    /** Retries the start after a failure (called by a timer). */
    public synchronized boolean ensureStarted() {
        if (dispatcher != null) {
            return true;
        }
        if (schedule == null) {
            return false;
        }
        Dispatcher d = null;
        try {
            Connection c = connection();
            ensureStream(c);
            d = c.createDispatcher();
            d.subscribe(subjects.scheduleCheck(), QUEUE, m -> workers.execute(() -> check(m)));
            ConsumerConfiguration cc = ConsumerConfiguration.builder().durable(DURABLE).deliverGroup(QUEUE)
                    .ackPolicy(AckPolicy.Explicit).deliverPolicy(DeliverPolicy.All).ackWait(Duration.ofSeconds(30))
                    .filterSubject(subjects.incidentEvents()).build();
            jetStream.subscribe(subjects.incidentEvents(), QUEUE, d, m -> workers.execute(() -> incident(m)), false,
                    PushSubscribeOptions.builder().stream(config.eventsStream()).configuration(cc).build());
            dispatcher = d;
            Log.infof("listening on %s and %s", subjects.scheduleCheck(), subjects.incidentEvents());
            return true;
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            if (d != null) {
                try {
                    connection.closeDispatcher(d); // half set up: the next attempt subscribes afresh
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
                Options.Builder options = new Options.Builder().server(config.url()).connectionName("avalo-scheduler")
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

    @Override
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

    private void check(Message m) {
        if (m.getReplyTo() == null) {
            Log.warnf("schedule check on %s without a reply subject ignored", m.getSubject());
            return;
        }
        int status = 200;
        Object body;
        try {
            byte[] data = m.getData();
            if (data == null || data.length == 0) {
                throw new ValidationException("body", "a JSON body is required");
            }
            ScheduleCheckRequest req = Json.decode(data, ScheduleCheckRequest.class);
            ScheduleService.Asker asker = null;
            if (req.emergency() != null) {
                asker = asker(m, req);
            }
            ScheduleCheckReply reply = schedule.check(req.service(), req.environment(), req.at(), req.emergency(),
                    asker);
            body = reply;
        } catch (RuntimeException e) {
            Problem p = Problems.of(e, m.getSubject());
            status = p.status();
            body = p;
        }
        Headers headers = new Headers().put(STATUS_HEADER, String.valueOf(status));
        if (body instanceof Problem) {
            headers.put("Content-Type", Problem.MEDIA_TYPE);
        }
        try {
            connection.publish(m.getReplyTo(), headers, Json.encode(body));
        } catch (RuntimeException e) {
            Log.warnf("reply to %s failed: %s", m.getSubject(), e.getMessage());
        }
    }

    private ScheduleService.Asker asker(Message m, ScheduleCheckRequest req) {
        String auth = m.getHeaders() == null ? null : m.getHeaders().getFirst("Authorization");
        if (auth != null) {
            Caller caller = callers.ofAuthorization(auth);
            return new ScheduleService.Asker(caller.name(), "nats-token", caller.has(Caller.APPROVER));
        }
        if (!scheduler.override().trustNatsCaller()) {
            throw ApiException.unauthorized("an emergency override on NATS needs an Authorization header with a"
                    + " bearer token holding the approver role");
        }
        String approvedBy = req.emergency().approvedBy() == null ? "unknown" : req.emergency().approvedBy();
        return new ScheduleService.Asker(approvedBy, "nats-trusted", true);
    }

    private void incident(Message m) {
        try {
            CloudEvent event = CloudEvents.decode(m.getData());
            if (SOURCE.equals(event.getSource())) {
                m.ack();
                return;
            }
            IncidentEventData data = CloudEvents.data(event, IncidentEventData.class);
            String what = m.getSubject().substring(m.getSubject().lastIndexOf('.') + 1);
            boolean changed = switch (what) {
                case "opened" -> incidents.opened(data);
                case "resolved" -> incidents.resolved(data);
                default -> false;
            };
            Log.infof("incident event %s %s: %s", what, data.id(), changed ? "applied" : "already known");
            m.ack();
        } catch (dev.avalo.scheduler.db.Jdbc.DataAccessException e) {
            Log.warnf("incident event on %s not stored yet (%s); redelivering", m.getSubject(), e.getMessage());
            m.nakWithDelay(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            Log.warnf("incident event on %s refused: %s", m.getSubject(), e.getMessage());
            m.term();
        }
    }

    public boolean isConnected() {
        Connection c = connection;
        return c != null && c.getStatus() == Connection.Status.CONNECTED && dispatcher != null;
    }

    @PreDestroy
    void close() {
        workers.shutdown();
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
