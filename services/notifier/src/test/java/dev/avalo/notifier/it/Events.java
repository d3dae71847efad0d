package dev.avalo.notifier.it;

import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.PublishOptions;
import io.nats.client.impl.Headers;

import dev.avalo.contracts.CloudEvents;
import dev.avalo.contracts.Subjects;
import dev.avalo.contracts.deployment.Cause;
import dev.avalo.contracts.deployment.DeploymentEventData;
import dev.avalo.contracts.deployment.DeploymentView;
import dev.avalo.contracts.deployment.StageView;
import dev.avalo.contracts.health.Breach;
import dev.avalo.contracts.health.HealthReport;
import dev.avalo.contracts.health.Verdict;
import dev.avalo.contracts.incident.IncidentEventData;
import dev.avalo.contracts.schedule.ActiveFreeze;
import dev.avalo.contracts.schedule.FreezeEventData;

/** Events as the orchestrator and the scheduler publish them, for the notifier to consume. */
public final class Events {

    static final URI ORCHESTRATOR = URI.create("/avalo/orchestrator");
    static final URI SCHEDULER = URI.create("/avalo/scheduler");

    private Events() {
    }

    public static String newId() {
        return UUID.randomUUID().toString();
    }

    /** A chat-api canary at stage canary-1 (1 %), health 41.2 with error-rate-3m breached (3.1 against 2.0). */
    public static DeploymentEventData deployment(String deploymentId, String service, String state, String causeKind,
            String reason) {
        Instant at = Instant.parse("2026-11-24T18:55:00Z");
        HealthReport health = new HealthReport(service, "production", service + "-v123", deploymentId, at, 41.2,
                Map.of(), Verdict.ROLLBACK,
                List.of(new Breach("error-rate-3m", "error rate > 2% for 3 consecutive minutes", 3.1, 2.0, at)),
                List.of(), null);
        DeploymentView view = new DeploymentView(deploymentId, service, "production", service + "-v122", service + "-v123",
                state, new StageView(0, "canary-1", 100, at, 300), health, "production", true,
                "ROLLED_BACK".equals(state) ? 842L : null, "alice", at, at);
        return new DeploymentEventData(view, new Cause("system", causeKind, reason));
    }

    public static FreezeEventData freeze(String id, String name) {
        return new FreezeEventData(new ActiveFreeze(id, name, "ad-hoc", Instant.parse("2026-11-24T19:00:00Z"),
                Instant.parse("2026-11-25T19:00:00Z")), "launch of the new pricing page", "admin-user");
    }

    public static IncidentEventData incident(String id) {
        return new IncidentEventData(id, "search is down", "high", List.of(), "pagerduty",
                Instant.parse("2026-11-24T19:00:00Z"), null);
    }

    /** Publishes a deployment event of {@code kind} to the stream, as the orchestrator does. */
    public static void publishDeployment(JetStream js, Subjects subjects, String stream, String eventId, String kind,
            DeploymentEventData data) {
        publish(js, subjects.deploymentEvent(data.deployment().service(), data.deployment().environment()), stream,
                eventId, ORCHESTRATOR, "avalo.deployment." + kind, data.deployment().id(), data, eventId);
    }

    public static void publishFreeze(JetStream js, Subjects subjects, String stream, String eventId, String what,
            FreezeEventData data) {
        publish(js, subjects.scheduleEvent(what), stream, eventId, SCHEDULER, "avalo.schedule." + what,
                data.freeze().id(), data, eventId);
    }

    /**
     * Publishes one CloudEvent; {@code msgId} is JetStream's dedup id (a different msgId with the same event id is a redelivery
     * the stream does not catch).
     */
    public static void publish(JetStream js, String subject, String stream, String eventId, URI source, String type,
            String eventSubject, Object data, String msgId) {
        byte[] body = CloudEvents.encode(eventId, source, type, eventSubject, Instant.parse("2026-11-24T19:00:00Z"),
                data);
        try {
            js.publish(subject, new Headers().put("Content-Type", CloudEvents.CONTENT_TYPE), body,
                    PublishOptions.builder().messageId(msgId).stream(stream).build());
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException("publish to " + subject + " failed", e);
        }
    }
}
