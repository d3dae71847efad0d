package dev.avalo.orchestrator.deployment;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.avalo.contracts.deployment.DeploymentCommand;
import dev.avalo.orchestrator.problem.ApiException;
import dev.avalo.orchestrator.security.Caller;
import dev.avalo.orchestrator.service.ServiceStore;

/**
 * Manual actions on a deployment, shared by REST and NATS: same validation, same authorisation, same replies. Approve and
 * forced rollbacks need the approver role; the rest need deployer.
 */
@ApplicationScoped
public class DeploymentActions {

    private final DeploymentService deployments;
    private final ServiceStore services;

    public DeploymentActions(DeploymentService deployments, ServiceStore services) {
        this.deployments = deployments;
        this.services = services;
    }

    public static UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        } catch (RuntimeException e) {
            throw new ValidationException("deploymentId", "must be a UUID, got '" + id + "'");
        }
    }

    public DeploymentRecord act(String action, UUID id, DeploymentCommand body, Caller caller) {
        String reason = body == null ? null : body.reason();
        if (reason != null && reason.length() > 1000) {
            throw new ValidationException("reason", "must be at most 1000 characters");
        }
        boolean forced = body != null && Boolean.TRUE.equals(body.force());
        switch (action) {
            case "promote" :
                caller.require(Caller.DEPLOYER);
                return deployments.apply(id, new Signal.Promote(caller.name(), reason));
            case "approve" :
                caller.require(Caller.APPROVER);
                return deployments.apply(id, new Signal.Approve(caller.name(), reason));
            case "pause" :
                caller.require(Caller.DEPLOYER);
                return deployments.apply(id, new Signal.Pause(caller.name(), reason));
            case "resume" :
                caller.require(Caller.DEPLOYER);
                return deployments.apply(id, new Signal.Resume(caller.name(), reason));
            case "abort" :
                caller.require(Caller.DEPLOYER);
                if (forced) {
                    caller.require(Caller.APPROVER);
                }
                return deployments.apply(id, new Signal.Abort(caller.name(), reason, forced));
            case "rollback" :
                return rollback(id, body, caller, reason, forced);
            default :
                throw ApiException.notFound("action", "unknown action '" + action + "'");
        }
    }

    private DeploymentRecord rollback(UUID id, DeploymentCommand body, Caller caller, String reason, boolean forced) {
        caller.require(Caller.DEPLOYER);
        if (forced) {
            caller.require(Caller.APPROVER);
        }
        RollbackMode mode = RollbackMode.parse(body == null ? null : body.mode());
        String revision = body == null ? null : body.revision();
        if (mode == RollbackMode.REVISION) {
            if (revision == null || revision.isBlank()) {
                throw new ValidationException("revision", "is required with mode revision");
            }
            DeploymentRecord d = deployments.get(id);
            if (revision.equals(d.state().toRevision())) {
                throw new ValidationException("revision", "cannot roll back to the canary revision itself");
            }
            services.revision(d.state().service(), d.state().environment(), revision)
                    .orElseThrow(() -> ApiException.notFound("revision", "no revision '" + revision
                            + "' in the history of " + d.state().service() + " in " + d.state().environment()));
        } else if (revision != null) {
            throw new ValidationException("revision", "only allowed with mode revision");
        }
        return deployments.apply(id, new Signal.Rollback(caller.name(), mode, revision, reason, forced));
    }
}
