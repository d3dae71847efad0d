package dev.avalo.orchestrator.api;

import java.util.List;

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

import dev.avalo.contracts.deployment.RegisterServiceRequest;
import dev.avalo.contracts.deployment.RevisionView;
import dev.avalo.contracts.deployment.ServiceView;
import dev.avalo.orchestrator.security.Caller;
import dev.avalo.orchestrator.security.Callers;
import dev.avalo.orchestrator.service.ServiceRegistry;
import dev.avalo.orchestrator.service.ServiceStore;

/** Services and their revision history. */
@Path("/api/v1/services")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "services")
@SecurityRequirement(name = "jwt")
public class ServiceResource {

    private final ServiceRegistry registry;
    private final ServiceStore services;
    private final Callers callers;
    private final SecurityIdentity identity;

    public ServiceResource(ServiceRegistry registry, ServiceStore services, Callers callers,
            SecurityIdentity identity) {
        this.registry = registry;
        this.services = services;
        this.callers = callers;
        this.identity = identity;
    }

    @POST
    @Operation(summary = "Register a service in an environment with its stable revision; route 100 % stable (deployer)")
    public Response register(RegisterServiceRequest request) {
        ServiceView view = registry.register(request, callers.of(identity));
        return Response.status(201).header("Location", "/api/v1/services/" + view.name() + "/" + view.environment())
                .entity(view).build();
    }

    @GET
    @Operation(summary = "Every registered service (viewer)")
    public List<ServiceView> list() {
        callers.of(identity).require(Caller.VIEWER);
        return registry.list();
    }

    @GET
    @Path("/{name}/{environment}")
    @Operation(summary = "A service's state in one environment (viewer)")
    public ServiceView get(@PathParam("name") String name, @PathParam("environment") String environment) {
        callers.of(identity).require(Caller.VIEWER);
        return registry.get(name, environment);
    }

    @GET
    @Path("/{name}/{environment}/revisions")
    @Operation(summary = "Revision history, newest first (viewer)")
    public List<RevisionView> revisions(@PathParam("name") String name,
            @PathParam("environment") String environment) {
        callers.of(identity).require(Caller.VIEWER);
        registry.get(name, environment);
        return services.revisions(name, environment);
    }
}
