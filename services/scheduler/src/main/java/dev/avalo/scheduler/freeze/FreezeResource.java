package dev.avalo.scheduler.freeze;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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

import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;

import dev.avalo.scheduler.check.Times;
import dev.avalo.scheduler.security.Caller;
import dev.avalo.scheduler.security.Callers;

/** Freezes: every kind readable by viewers; ad-hoc ones created and removed by admins. */
@Path("/api/v1/freezes")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "freezes")
@SecurityRequirement(name = "jwt")
public class FreezeResource {

    private final FreezeService freezes;
    private final Callers callers;
    private final SecurityIdentity identity;
    private final Clock clock;

    public FreezeResource(FreezeService freezes, Callers callers, SecurityIdentity identity, Clock clock) {
        this.freezes = freezes;
        this.callers = callers;
        this.identity = identity;
        this.clock = clock;
    }

    @GET
    @Operation(summary = "Freezes overlapping [from, to) (viewer); default from now for 90 days")
    public List<FreezeService.FreezeView> list(@QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("timeZone") String timeZone) {
        callers.of(identity).require(Caller.VIEWER);
        ZoneId zone = Times.zone("timeZone", timeZone, freezes.defaultZone());
        Instant start = from == null || from.isBlank() ? clock.instant() : Times.parse("from", from, zone);
        Instant end = to == null || to.isBlank() ? start.plus(Duration.ofDays(90)) : Times.parse("to", to, zone);
        return freezes.list(start, end);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Declare an ad-hoc freeze, e.g. a high-traffic event (admin). 201")
    public Response create(FreezeService.FreezeRequest body) {
        Caller caller = callers.of(identity);
        caller.require(Caller.ADMIN);
        FreezeService.FreezeView view = freezes.create(body, caller.name());
        return Response.status(201).entity(view).header("Location", "/api/v1/freezes/" + view.id()).build();
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Remove an ad-hoc freeze (admin). 204")
    public Response delete(@PathParam("id") String id) {
        Caller caller = callers.of(identity);
        caller.require(Caller.ADMIN);
        freezes.delete(id, caller.name());
        return Response.noContent().build();
    }
}
