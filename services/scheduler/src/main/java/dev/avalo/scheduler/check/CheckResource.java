package dev.avalo.scheduler.check;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;

import dev.avalo.contracts.schedule.Emergency;
import dev.avalo.contracts.schedule.ScheduleCheckReply;
import dev.avalo.scheduler.problem.ValidationException;
import dev.avalo.scheduler.security.Caller;
import dev.avalo.scheduler.security.Callers;

/** The schedule check over REST: the same answer as {@code avalo.cmd.schedule.check}. */
@Path("/api/v1/schedule/check")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "schedule")
@SecurityRequirement(name = "jwt")
public class CheckResource {

    /** The body of {@code POST /schedule/check}: the NATS request, {@code at} as text so a bad date names the field. */
    public record CheckRequest(String service, String environment, String at, String timeZone, Emergency emergency) {
    }

    private final ScheduleService schedule;
    private final Callers callers;
    private final SecurityIdentity identity;
    private final dev.avalo.scheduler.config.SchedulerConfig config;

    public CheckResource(ScheduleService schedule, Callers callers, SecurityIdentity identity,
            dev.avalo.scheduler.config.SchedulerConfig config) {
        this.schedule = schedule;
        this.callers = callers;
        this.identity = identity;
        this.config = config;
    }

    @GET
    @Operation(summary = "May this service deploy to this environment at this time (viewer)? `at` defaults to now; without an "
            + "offset it is local to `timeZone` (default America/Los_Angeles)")
    public ScheduleCheckReply get(@QueryParam("service") String service, @QueryParam("environment") String environment,
            @QueryParam("at") String at, @QueryParam("timeZone") String timeZone) {
        callers.of(identity).require(Caller.VIEWER);
        return schedule.check(service, environment, at(at, timeZone), null, null);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "The check with an optional emergency override (viewer; an emergency needs approver and is audited)")
    public ScheduleCheckReply post(CheckRequest body) {
        Caller caller = callers.of(identity);
        caller.require(Caller.VIEWER);
        if (body == null) {
            throw new ValidationException("body", "a JSON body is required");
        }
        ScheduleService.Asker asker = new ScheduleService.Asker(caller.name(), "rest", caller.has(Caller.APPROVER));
        return schedule.check(body.service(), body.environment(), at(body.at(), body.timeZone()), body.emergency(),
                asker);
    }

    private java.time.Instant at(String at, String timeZone) {
        java.time.ZoneId fallback = java.time.ZoneId.of(config.defaultZone());
        java.time.ZoneId zone = Times.zone("timeZone", timeZone, fallback);
        return at == null || at.isBlank() ? null : Times.parse("at", at, zone);
    }
}
