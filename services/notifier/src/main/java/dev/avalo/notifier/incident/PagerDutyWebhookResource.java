package dev.avalo.notifier.incident;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.logging.Log;

import dev.avalo.notifier.config.NotifierConfig;
import dev.avalo.notifier.nats.NotifierNats;
import dev.avalo.notifier.problem.ApiException;
import dev.avalo.notifier.problem.ValidationException;

/**
 * PagerDuty webhooks v3 in: the {@code X-PagerDuty-Signature} HMAC is the authentication (no bearer token: PagerDuty cannot
 * send one). An incident triggered or reopened becomes {@code avalo.evt.incident.opened}, a resolved one
 * {@code avalo.evt.incident.resolved}, so the scheduler freezes deployments while it is open. PagerDuty retries a webhook that
 * failed; the CloudEvent id comes from PagerDuty's event id, so a retried webhook is deduplicated by the stream.
 */
@Path("/api/v1/webhooks/pagerduty")
@Tag(name = "webhooks")
public class PagerDutyWebhookResource {

    private final NotifierConfig config;
    private final NotifierNats nats;

    public PagerDutyWebhookResource(NotifierConfig config, NotifierNats nats) {
        this.config = config;
        this.nats = nats;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "PagerDuty webhook v3 (signed); incidents become avalo.evt.incident.* events. 202")
    public Response receive(@HeaderParam("X-PagerDuty-Signature") String signature, byte[] body) {
        List<String> secrets = config.pagerduty().webhookSecret().orElse(List.of());
        if (secrets.isEmpty()) {
            throw new ApiException(503, "Service Unavailable",
                    "the PagerDuty webhook is not configured (avalo.notifier.pagerduty.webhook-secret)", null, null);
        }
        if (signature == null || signature.isBlank()) {
            throw ApiException.unauthorized("the X-PagerDuty-Signature header is required");
        }
        if (body == null || !PagerDutyWebhook.verify(secrets, signature, body)) {
            Log.warn("PagerDuty webhook with an invalid signature refused");
            throw ApiException.unauthorized("the X-PagerDuty-Signature does not match the body");
        }
        Optional<PagerDutyWebhook.Parsed> parsed;
        try {
            parsed = PagerDutyWebhook.parse(body);
        } catch (IllegalArgumentException e) {
            throw new ValidationException("event", e.getMessage());
        }
        if (parsed.isEmpty()) {
            return Response.accepted(Map.of("published", false, "reason", "event type not about opening or resolving"))
                    .build();
        }
        PagerDutyWebhook.Parsed p = parsed.get();
        if (!config.pagerduty().freezeOnOwnIncidents() && p.incidentKey() != null
                && p.incidentKey().startsWith("avalo/")) {
            return Response.accepted(Map.of("published", false, "reason", "incident triggered by Avalo itself")).build();
        }
        String id = "pagerduty-" + p.eventId();
        try {
            nats.publish(nats.subjects().incidentEvent(p.kind()), "avalo.incident." + p.kind(), id, p.data().id(),
                    p.data());
        } catch (IllegalStateException e) {
            Log.warnf("PagerDuty incident %s not published yet: %s", p.data().id(), e.getMessage());
            throw new ApiException(503, "Service Unavailable", "NATS is unavailable; PagerDuty will retry", null,
                    null);
        }
        Log.infof("PagerDuty incident %s %s published", p.data().id(), p.kind());
        return Response.accepted(Map.of("published", true, "id", id, "kind", p.kind())).build();
    }
}
