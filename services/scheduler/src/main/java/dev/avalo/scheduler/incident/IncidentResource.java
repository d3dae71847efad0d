package dev.avalo.scheduler.incident;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;

import dev.avalo.scheduler.problem.ApiException;
import dev.avalo.scheduler.security.Caller;
import dev.avalo.scheduler.security.Callers;

/** Incidents: opening one freezes deployments until it is resolved (deployer). */
@Path("/api/v1/incidents")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "incidents")
@SecurityRequirement(name = "jwt")
public class IncidentResource {

    private final IncidentService incidents;
    private final Callers callers;
    private final SecurityIdentity identity;

    public IncidentResource(IncidentService incidents, Callers callers, SecurityIdentity identity) {
        this.incidents = incidents;
        this.callers = callers;
        this.identity = identity;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Open an incident: a freeze until it is resolved (deployer). 201")
    public Response open(IncidentService.IncidentRequest body) {
        Caller caller = callers.of(identity);
        caller.require(Caller.DEPLOYER);
        Incident incident = incidents.open(body, caller.name());
        return Response.status(201).entity(incident).header("Location", "/api/v1/incidents/" + incident.id()).build();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One incident (viewer)")
    public Incident get(@PathParam("id") String id) {
        callers.of(identity).require(Caller.VIEWER);
        return incidents.find(id).orElseThrow(() -> ApiException.notFound("id", "no incident " + id));
    }

    @POST
    @Path("/{id}/resolve")
    @Operation(summary = "Resolve an incident, lifting its freeze (deployer)")
    public Incident resolve(@PathParam("id") String id) {
        Caller caller = callers.of(identity);
        caller.require(Caller.DEPLOYER);
        return incidents.resolve(id, caller.name());
    }
}
