package dev.avalo.orchestrator.api;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
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

import dev.avalo.contracts.DnsLabel;
import dev.avalo.contracts.deployment.ActionRequest;
import dev.avalo.contracts.deployment.DeploymentCommand;
import dev.avalo.contracts.deployment.DeploymentView;
import dev.avalo.contracts.deployment.EmergencyStopReply;
import dev.avalo.contracts.deployment.EmergencyStopRequest;
import dev.avalo.contracts.deployment.RollbackRequest;
import dev.avalo.contracts.deployment.StartDeploymentRequest;
import dev.avalo.orchestrator.deployment.DeploymentActions;
import dev.avalo.orchestrator.deployment.DeploymentPhase;
import dev.avalo.orchestrator.deployment.DeploymentRecord;
import dev.avalo.orchestrator.deployment.DeploymentService;
import dev.avalo.orchestrator.deployment.DeploymentStarter;
import dev.avalo.orchestrator.deployment.DeploymentStore;
import dev.avalo.orchestrator.deployment.ValidationException;
import dev.avalo.orchestrator.deployment.Views;
import dev.avalo.orchestrator.security.Caller;
import dev.avalo.orchestrator.security.Callers;

/** Deployments: start, read, control, roll back, emergency stop. */
@Path("/api/v1")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "deployments")
@SecurityRequirement(name = "jwt")
public class DeploymentResource {

    private final DeploymentStarter starter;
    private final DeploymentActions actions;
    private final DeploymentService deployments;
    private final DeploymentStore store;
    private final Callers callers;
    private final SecurityIdentity identity;

    public DeploymentResource(DeploymentStarter starter, DeploymentActions actions, DeploymentService deployments,
            DeploymentStore store, Callers callers, SecurityIdentity identity) {
        this.starter = starter;
        this.actions = actions;
        this.deployments = deployments;
        this.store = store;
        this.callers = callers;
        this.identity = identity;
    }

    @POST
    @Path("/deployments")
    @Operation(summary = "Start a canary deployment (deployer). 409 if one is live, 423 if the schedule blocks, 422 if "
            + "a migration or checklist check fails. Honours Idempotency-Key.")
    public Response start(StartDeploymentRequest request, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        DeploymentStarter.Started started = starter.start(request, caller(), idempotencyKey);
        DeploymentView view = Views.deployment(started.deployment());
        return Response.status(started.created() ? 201 : 200)
                .header("Location", "/api/v1/deployments/" + view.id()).entity(view).build();
    }

    @GET
    @Path("/deployments")
    @Operation(summary = "List deployments, newest first (viewer)")
    public List<DeploymentView> list(@QueryParam("service") String service,
            @QueryParam("environment") String environment, @QueryParam("state") String state,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        caller().require(Caller.VIEWER);
        if (service != null) {
            DnsLabel.require("service", service);
        }
        if (environment != null) {
            DnsLabel.require("environment", environment);
        }
        if (state != null) {
            try {
                DeploymentPhase.valueOf(state);
            } catch (IllegalArgumentException e) {
                throw new ValidationException("state", "unknown state '" + state + "'");
            }
        }
        if (limit < 1 || limit > 1000) {
            throw new ValidationException("limit", "must be 1–1000");
        }
        return store.list(service, environment, state, limit).stream().map(Views::deployment).toList();
    }

    @GET
    @Path("/deployments/{id}")
    @Operation(summary = "A deployment: state, stage, last health report (viewer)")
    public DeploymentView get(@PathParam("id") String id) {
        caller().require(Caller.VIEWER);
        return Views.deployment(deployments.get(DeploymentActions.parseId(id)));
    }

    @GET
    @Path("/deployments/{id}/events")
    @Operation(summary = "The deployment's timeline (viewer)")
    public List<DeploymentStore.EventRow> events(@PathParam("id") String id) {
        caller().require(Caller.VIEWER);
        UUID uuid = DeploymentActions.parseId(id);
        deployments.get(uuid);
        return store.events(uuid);
    }

    @GET
    @Path("/deployments/{id}/checklist")
    @Operation(summary = "Pre, during and post checklist items of the deployment (viewer)")
    public Map<String, DeploymentRecord.ChecklistEntry> checklist(@PathParam("id") String id) {
        caller().require(Caller.VIEWER);
        return deployments.get(DeploymentActions.parseId(id)).checklist();
    }

    /** Body of a checklist tick. */
    public record TickRequest(String evidence) {
    }

    @POST
    @Path("/deployments/{id}/checklist/{item}")
    @Operation(summary = "Tick a during/post checklist item (deployer)")
    public Map<String, DeploymentRecord.ChecklistEntry> tick(@PathParam("id") String id,
            @PathParam("item") String item, TickRequest body) {
        Caller caller = caller();
        caller.require(Caller.DEPLOYER);
        return deployments.tickChecklist(DeploymentActions.parseId(id), item, body == null ? null : body.evidence(),
                caller).checklist();
    }

    @POST
    @Path("/deployments/{id}/{action: promote|approve|pause|resume|abort}")
    @Operation(summary = "Manual control: promote, pause, resume, abort (deployer); approve (approver)")
    public DeploymentView act(@PathParam("id") String id, @PathParam("action") String action, ActionRequest body) {
        DeploymentCommand command = new DeploymentCommand(id, null, null, body == null ? null : body.reason(),
                body == null ? null : body.force());
        return Views.deployment(actions.act(action, DeploymentActions.parseId(id), command, caller()));
    }

    @POST
    @Path("/deployments/{id}/rollback")
    @Operation(summary = "Manual rollback: immediate, previous-stage or revision (deployer; force needs approver)")
    public DeploymentView rollback(@PathParam("id") String id, RollbackRequest body) {
        DeploymentCommand command = body == null
                ? null
                : new DeploymentCommand(id, body.mode(), body.revision(), body.reason(), body.force());
        return Views.deployment(actions.act("rollback", DeploymentActions.parseId(id), command, caller()));
    }

    @POST
    @Path("/emergency-stop")
    @Operation(summary = "Halt and revert every live deployment (approver)")
    public EmergencyStopReply emergencyStop(EmergencyStopRequest body) {
        Caller caller = caller();
        caller.require(Caller.APPROVER);
        if (body == null || body.reason() == null || body.reason().isBlank()) {
            throw new ValidationException("reason", "an emergency stop needs a reason");
        }
        return deployments.emergencyStop(body.reason(), caller);
    }

    private Caller caller() {
        return callers.of(identity);
    }
}
