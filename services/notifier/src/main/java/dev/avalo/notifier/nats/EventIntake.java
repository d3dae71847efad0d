package dev.avalo.notifier.nats;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.cloudevents.CloudEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Message;
import io.quarkus.logging.Log;

import dev.avalo.contracts.CloudEvents;
import dev.avalo.contracts.deployment.DeploymentEventData;
import dev.avalo.contracts.incident.IncidentEventData;
import dev.avalo.contracts.schedule.FreezeEventData;
import dev.avalo.notifier.config.NotifierConfig;
import dev.avalo.notifier.config.Wiring;
import dev.avalo.notifier.delivery.DeliveryStore;
import dev.avalo.notifier.delivery.DeliveryStore.NewDelivery;
import dev.avalo.notifier.delivery.Dispatcher;
import dev.avalo.notifier.delivery.Inbox;
import dev.avalo.notifier.notification.EventInterpreter;
import dev.avalo.notifier.notification.Notification;
import dev.avalo.notifier.notification.Severity;
import dev.avalo.notifier.routing.Router;

/**
 * Adapts one consumed JetStream message: decodes the CloudEvent, asks the router whether and where it is notified, renders the
 * {@link Notification} and hands the rows to the {@link Inbox}, which acknowledges the message once they are committed. An
 * event that cannot be decoded is terminated (JetStream stops redelivering it) and counted; it can never be delivered.
 */
@ApplicationScoped
public class EventIntake {

    private final Router router;
    private final EventInterpreter interpreter;
    private final Wiring.Channels channels;
    private final Inbox inbox;
    private final io.micrometer.core.instrument.Counter events;
    private final io.micrometer.core.instrument.Counter refused;

    public EventIntake(Router router, EventInterpreter interpreter, Wiring.Channels channels, DeliveryStore store,
            Dispatcher dispatcher, java.time.Clock clock, NotifierConfig config, MeterRegistry registry) {
        this.router = router;
        this.interpreter = interpreter;
        this.channels = channels;
        this.events = registry.counter("avalo_notifier_events_total");
        this.refused = registry.counter("avalo_notifier_events_refused_total");
        this.inbox = new Inbox(store, clock, dispatcher::wake, config.consumer().batch());
    }

    public Inbox inbox() {
        return inbox;
    }

    public void handle(Message m) {
        List<NewDelivery> rows;
        try {
            rows = rows(CloudEvents.decode(m.getData()));
        } catch (RuntimeException e) {
            Log.warnf("event on %s refused and dropped from the stream: %s", m.getSubject(), e.getMessage());
            refused.increment();
            m.term();
            return;
        }
        events.increment();
        inbox.offer(rows, new Inbox.Receipt() {
            @Override
            public void ack() {
                m.ack();
            }

            @Override
            public void retry() {
                m.nakWithDelay(Duration.ofSeconds(2));
            }
        });
    }

    /** The delivery rows an event makes: one per configured channel its severity routes to (none when not notified). */
    public List<NewDelivery> rows(CloudEvent event) {
        String type = event.getType();
        String kind = EventInterpreter.kindOf(type);
        Optional<Severity> severity = router.severityOf(kind);
        if (severity.isEmpty()) {
            return List.of();
        }
        Instant at = event.getTime() == null ? Instant.now() : event.getTime().toInstant();
        Notification n;
        if (type.startsWith("avalo.deployment.")) {
            n = interpreter.deployment(event.getId(), type, at, CloudEvents.data(event, DeploymentEventData.class),
                    severity.get());
        } else if (type.startsWith("avalo.schedule.")) {
            n = interpreter.freeze(event.getId(), type, at, CloudEvents.data(event, FreezeEventData.class), severity.get());
        } else if (type.startsWith("avalo.incident.")) {
            n = interpreter.incident(event.getId(), type, at, CloudEvents.data(event, IncidentEventData.class),
                    severity.get());
        } else {
            throw new IllegalArgumentException("unknown event type " + type);
        }
        Map<String, ?> configured = channels.configured();
        return router.channelsFor(severity.get()).stream().filter(configured::containsKey)
                .map(c -> new NewDelivery(c, n)).toList();
    }
}
