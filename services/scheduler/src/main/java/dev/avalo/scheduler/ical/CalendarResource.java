package dev.avalo.scheduler.ical;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.security.identity.SecurityIdentity;

import dev.avalo.contracts.DnsLabel;
import dev.avalo.scheduler.check.Times;
import dev.avalo.scheduler.config.SchedulerConfig;
import dev.avalo.scheduler.freeze.FreezeService;
import dev.avalo.scheduler.problem.ValidationException;
import dev.avalo.scheduler.security.Caller;
import dev.avalo.scheduler.security.Callers;
import dev.avalo.scheduler.window.EnvironmentPolicy;
import dev.avalo.scheduler.window.Policies;

/**
 * {@code GET /api/v1/calendar.ics?from=&to=&environment=}: the iCalendar feed. Needs a viewer token unless
 * {@code avalo.scheduler.calendar.public=true} (calendar apps that subscribe by URL cannot send one).
 */
@Path("/api/v1/calendar.ics")
@Tag(name = "calendar")
public class CalendarResource {

    private final FreezeService freezes;
    private final Policies policies;
    private final Callers callers;
    private final SecurityIdentity identity;
    private final SchedulerConfig config;
    private final Clock clock;

    public CalendarResource(FreezeService freezes, Policies policies, Callers callers, SecurityIdentity identity,
            SchedulerConfig config, Clock clock) {
        this.freezes = freezes;
        this.policies = policies;
        this.callers = callers;
        this.identity = identity;
        this.config = config;
        this.clock = clock;
    }

    @GET
    @Produces(CalendarFeed.MEDIA_TYPE)
    @Operation(summary = "RFC 5545 feed of freezes and preferred windows in [from, to) (default: a week back, 90 days ahead; "
            + "at most 400 days); `environment` limits the windows to one environment")
    public Response feed(@QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("environment") String environment, @QueryParam("timeZone") String timeZone) {
        if (!config.calendar().isPublic()) {
            callers.of(identity).require(Caller.VIEWER);
        }
        ZoneId zone = Times.zone("timeZone", timeZone, freezes.defaultZone());
        Instant now = clock.instant();
        Instant start = from == null || from.isBlank() ? now.minus(Duration.ofDays(7)) : Times.parse("from", from, zone);
        Instant end = to == null || to.isBlank() ? start.plus(Duration.ofDays(97)) : Times.parse("to", to, zone);
        if (!end.isAfter(start)) {
            throw new ValidationException("to", "must be after from");
        }
        if (Duration.between(start, end).toDays() > 400) {
            throw new ValidationException("to", "the feed may span at most 400 days");
        }
        List<EnvironmentPolicy> windows = new ArrayList<>();
        if (environment != null && !environment.isBlank()) {
            DnsLabel.require("environment", environment);
            windows.add(policies.of(environment).orElseThrow(() -> new ValidationException("environment",
                    "unknown environment '" + environment + "'; known: " + String.join(", ", policies.environments()))));
        } else {
            for (String env : policies.environments()) {
                windows.add(policies.of(env).orElseThrow());
            }
        }
        String body = CalendarFeed.render(freezes.between(start, end), windows, start, end, now);
        return Response.ok(body, CalendarFeed.MEDIA_TYPE + "; charset=utf-8")
                .header("Content-Disposition", "inline; filename=\"avalo-schedule.ics\"").build();
    }
}
