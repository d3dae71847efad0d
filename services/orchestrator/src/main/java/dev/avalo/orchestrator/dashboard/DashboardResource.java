package dev.avalo.orchestrator.dashboard;

import java.time.Duration;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestStreamElementType;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Multi;

import dev.avalo.contracts.DnsLabel;
import dev.avalo.contracts.schedule.ScheduleCheckReply;
import dev.avalo.orchestrator.schedule.ScheduleClient;
import dev.avalo.orchestrator.security.Caller;
import dev.avalo.orchestrator.security.Callers;

/**
 * The browser dashboard's data (viewer): a server-sent-event stream of deployment events, health reports and router samples, a
 * service's recent history, and the scheduler's verdict. The page itself is static ({@code /dashboard/}).
 */
@Path("/api/v1/dashboard")
@Produces(MediaType.APPLICATION_JSON)
public class DashboardResource {

    private final DashboardHub hub;
    private final ScheduleClient schedule;
    private final Callers callers;
    private final SecurityIdentity identity;

    public DashboardResource(DashboardHub hub, ScheduleClient schedule, Callers callers, SecurityIdentity identity) {
        this.hub = hub;
        this.schedule = schedule;
        this.callers = callers;
        this.identity = identity;
    }

    @GET
    @Path("/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.TEXT_PLAIN)
    @Operation(summary = "Live stream (SSE) of deployment events, health reports and router samples (viewer)")
    public Multi<String> stream() {
        callers.of(identity).require(Caller.VIEWER);
        Multi<String> events = Multi.createFrom().emitter(emitter -> {
            Runnable off = hub.listen(emitter::emit);
            emitter.onTermination(off);
        });
        // a ping every 15 s keeps proxies from closing an idle stream and tells the page it is still connected
        Multi<String> pings = Multi.createFrom().ticks().every(Duration.ofSeconds(15)).map(t -> "{\"kind\":\"ping\"}");
        return Multi.createBy().merging().streams(Multi.createFrom().item("{\"kind\":\"hello\"}"), events, pings);
    }

    @GET
    @Path("/history/{service}/{environment}")
    @Operation(summary = "The last ten minutes of health scores and per-revision error rate and p95 latency (viewer)")
    public DashboardHub.History history(@PathParam("service") String service,
            @PathParam("environment") String environment) {
        callers.of(identity).require(Caller.VIEWER);
        DnsLabel.require("service", service);
        DnsLabel.require("environment", environment);
        return hub.history(service, environment);
    }

    @GET
    @Path("/schedule/{service}/{environment}")
    @Operation(summary = "The scheduler's verdict for deploying the service now (viewer)")
    public ScheduleCheckReply schedule(@PathParam("service") String service, @PathParam("environment") String environment) {
        callers.of(identity).require(Caller.VIEWER);
        DnsLabel.require("service", service);
        DnsLabel.require("environment", environment);
        return schedule.check(service, environment, null);
    }
}
