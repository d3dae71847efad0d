package dev.avalo.health.rule;

import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.logging.Log;
import io.quarkus.security.identity.SecurityIdentity;

import dev.avalo.contracts.DnsLabel;
import dev.avalo.health.problem.ApiException;

/**
 * {@code GET /api/v1/rules[?service=&environment=]}: the default rules, or a service's effective rules and its overrides.
 * {@code PUT /api/v1/rules}: replaces a service's overrides, validated as a whole (admin).
 */
@Path("/api/v1/rules")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "rules")
@SecurityRequirement(name = "jwt")
public class RulesResource {

    /** A rule as the API shows it. */
    public record RuleView(String id, String description, String expression) {
        static RuleView of(RuleDefinition d) {
            return new RuleView(d.id(), d.description(), d.expression());
        }
    }

    /** The answer of GET and PUT. */
    public record RulesView(String service, String environment, List<RuleView> rules, List<RuleOverride> overrides,
            Map<String, List<RuleOverride>> services) {
    }

    /** The body of PUT. */
    public record RulesUpdate(String service, String environment, List<RuleOverride> rules) {
    }

    private final RuleRegistry registry;
    private final RuleStore store;
    private final SecurityIdentity identity;

    public RulesResource(RuleRegistry registry, RuleStore store, SecurityIdentity identity) {
        this.registry = registry;
        this.store = store;
        this.identity = identity;
    }

    @GET
    @RolesAllowed("viewer")
    @Operation(summary = "Default rules, or a service's effective rules and overrides (viewer)")
    public RulesView get(@QueryParam("service") String service, @QueryParam("environment") String environment) {
        if (service == null && environment == null) {
            return new RulesView(null, null, registry.defaults().stream().map(RuleView::of).toList(), null,
                    registry.allOverrides());
        }
        if (service == null || environment == null) {
            throw ApiException.badRequest(service == null ? "service" : "environment",
                    "service and environment go together");
        }
        DnsLabel.require("service", service);
        DnsLabel.require("environment", environment);
        return new RulesView(service, environment,
                registry.effective(service, environment).stream().map(RuleView::of).toList(),
                registry.overrides(service, environment), null);
    }

    @PUT
    @RolesAllowed("admin")
    @Operation(summary = "Replace a service's rule overrides (admin, stored in KV); an empty list returns it to the defaults")
    public RulesView put(RulesUpdate body) {
        if (body == null) {
            throw ApiException.badRequest("body", "a JSON body is required");
        }
        DnsLabel.require("service", body.service());
        DnsLabel.require("environment", body.environment());
        List<RuleDefinition> effective = store.save(body.service(), body.environment(), body.rules());
        Log.infof("rules of %s/%s replaced by %s: %d overrides", body.service(), body.environment(),
                identity.getPrincipal().getName(), body.rules().size());
        return new RulesView(body.service(), body.environment(), effective.stream().map(RuleView::of).toList(),
                registry.overrides(body.service(), body.environment()), null);
    }
}
