package dev.avalo.orchestrator.api;

import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;

import dev.avalo.contracts.DnsLabel;
import dev.avalo.orchestrator.deployment.ValidationException;
import dev.avalo.orchestrator.problem.ApiException;
import dev.avalo.orchestrator.security.Caller;
import dev.avalo.orchestrator.security.Callers;
import dev.avalo.orchestrator.strategy.Strategy;
import dev.avalo.orchestrator.strategy.StrategyStore;
import dev.avalo.orchestrator.strategy.StrategyValidator;

/** Stage plans per environment: readable by viewers, editable by admins. */
@Path("/api/v1/strategies")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "strategies")
@SecurityRequirement(name = "jwt")
public class StrategyResource {

    private final StrategyStore strategies;
    private final Callers callers;
    private final SecurityIdentity identity;
    private final java.time.Clock clock;

    public StrategyResource(StrategyStore strategies, Callers callers, SecurityIdentity identity,
            java.time.Clock clock) {
        this.strategies = strategies;
        this.callers = callers;
        this.identity = identity;
        this.clock = clock;
    }

    @GET
    @Operation(summary = "Every strategy (viewer)")
    public List<Strategy> list() {
        callers.of(identity).require(Caller.VIEWER);
        return strategies.list();
    }

    @GET
    @Path("/{environment}")
    @Operation(summary = "One environment's strategy (viewer)")
    public Strategy get(@PathParam("environment") String environment) {
        callers.of(identity).require(Caller.VIEWER);
        DnsLabel.require("environment", environment);
        return strategies.find(environment)
                .orElseThrow(() -> ApiException.notFound("environment", "no strategy for " + environment));
    }

    @PUT
    @Path("/{environment}")
    @Operation(summary = "Replace an environment's strategy (admin); validated, running deployments keep their plan")
    public Strategy put(@PathParam("environment") String environment, Strategy body) {
        Caller caller = callers.of(identity);
        caller.require(Caller.ADMIN);
        DnsLabel.require("environment", environment);
        if (body == null) {
            throw new ValidationException("body", "a JSON body is required");
        }
        if (body.environment() != null && !body.environment().equals(environment)) {
            throw new ValidationException("environment", "must match the path (" + environment + ")");
        }
        Strategy strategy = new Strategy(environment, body.stages(), body.bakeSeconds(), body.blueRetentionSeconds(),
                body.promotionScheduleCheck(), body.checklistRequired());
        StrategyValidator.validate(strategy);
        strategies.save(strategy, caller.name(), clock.instant());
        return strategy;
    }
}
