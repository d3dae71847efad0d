package dev.avalo.notifier.delivery;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;

import dev.avalo.notifier.config.Wiring;
import dev.avalo.notifier.delivery.DeliveryStore.NewDelivery;
import dev.avalo.notifier.notification.Notification;
import dev.avalo.notifier.notification.Severity;
import dev.avalo.notifier.problem.ApiException;
import dev.avalo.notifier.problem.ValidationException;
import dev.avalo.notifier.security.Caller;
import dev.avalo.notifier.security.Callers;

/** The delivery log (viewer) and test messages (admin). Neither ever shows a channel's secret. */
@Path("/api/v1")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "deliveries")
@SecurityRequirement(name = "jwt")
public class DeliveryResource {

    /** Body of {@code POST /test}. */
    @RegisterForReflection
    public record TestRequest(String channel, String message, String severity) {
    }

    /** Reply of {@code POST /test}: the logged delivery, sent asynchronously like any other. */
    @RegisterForReflection
    public record TestAccepted(String eventId, String channel, String status) {
    }

    private final DeliveryStore store;
    private final Wiring.Channels channels;
    private final Dispatcher dispatcher;
    private final Callers callers;
    private final SecurityIdentity identity;
    private final Clock clock;

    public DeliveryResource(DeliveryStore store, Wiring.Channels channels, Dispatcher dispatcher, Callers callers,
            SecurityIdentity identity, Clock clock) {
        this.store = store;
        this.channels = channels;
        this.dispatcher = dispatcher;
        this.callers = callers;
        this.identity = identity;
        this.clock = clock;
    }

    @GET
    @Path("/deliveries")
    @Operation(summary = "The delivery log, newest first (viewer); filter by status and event id, page with before")
    public List<Delivery> list(@QueryParam("status") String status, @QueryParam("eventId") String eventId,
            @QueryParam("before") Long before, @QueryParam("limit") Integer limit) {
        callers.of(identity).require(Caller.VIEWER);
        Optional<DeliveryStatus> s = Optional.empty();
        if (status != null && !status.isBlank()) {
            try {
                s = Optional.of(DeliveryStatus.valueOf(status.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new ValidationException("status", "status must be one of "
                        + java.util.Arrays.toString(DeliveryStatus.values()).toLowerCase(Locale.ROOT));
            }
        }
        int n = limit == null ? 100 : limit;
        if (n < 1 || n > 1000) {
            throw new ValidationException("limit", "limit must be between 1 and 1000");
        }
        return store.list(s, Optional.ofNullable(eventId).filter(e -> !e.isBlank()),
                before == null ? Long.MAX_VALUE : before, n);
    }

    @GET
    @Path("/deliveries/{id}")
    @Operation(summary = "One delivery (viewer)")
    public Delivery get(@PathParam("id") long id) {
        callers.of(identity).require(Caller.VIEWER);
        return store.get(id).orElseThrow(() -> ApiException.notFound("id", "no delivery " + id));
    }

    @POST
    @Path("/test")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Send a test message to one channel (admin). 202; the delivery shows in the log")
    public Response test(TestRequest body) {
        Caller caller = callers.of(identity);
        caller.require(Caller.ADMIN);
        if (body == null) {
            throw new ValidationException("body", "a JSON body with channel and message is required");
        }
        if (body.channel() == null || body.channel().isBlank()) {
            throw new ValidationException("channel", "channel is required, one of " + channels.all().keySet());
        }
        if (!channels.all().containsKey(body.channel())) {
            throw new ValidationException("channel", "unknown channel '" + body.channel() + "', one of "
                    + channels.all().keySet());
        }
        if (!channels.all().get(body.channel()).configured()) {
            throw ApiException.unprocessable("channel", "channel " + body.channel() + " is not configured", Map.of());
        }
        Severity severity;
        try {
            severity = body.severity() == null ? Severity.INFO : Severity.parse(body.severity());
        } catch (IllegalArgumentException e) {
            throw new ValidationException("severity", e.getMessage());
        }
        String message = body.message() == null || body.message().isBlank()
                ? "Test message from Avalo Deploy"
                : body.message().strip();
        if (message.length() > 500) {
            throw new ValidationException("message", "message must be at most 500 characters");
        }
        String id = "test-" + UUID.randomUUID();
        Notification n = new Notification(id, "avalo.notifier.test", "test", severity, clock.instant(),
                "Test: " + message, message + " (sent by " + caller.name() + ")", id, null, null, null, null, null, null,
                null, null, null, List.of(), Map.of("Requested by", caller.name()), null, List.of());
        store.jdbc().tx(() -> store.insert(List.of(new NewDelivery(body.channel(), n)), clock.instant()));
        dispatcher.wake();
        return Response.accepted(new TestAccepted(id, body.channel(), DeliveryStatus.PENDING.name())).build();
    }
}
