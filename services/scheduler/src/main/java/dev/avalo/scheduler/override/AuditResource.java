package dev.avalo.scheduler.override;

import java.util.List;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;

import dev.avalo.scheduler.audit.AuditStore;
import dev.avalo.scheduler.problem.ValidationException;
import dev.avalo.scheduler.security.Caller;
import dev.avalo.scheduler.security.Callers;

/** The record: emergency overrides and the audit trail of every freeze, incident and override change (viewer). */
@Path("/api/v1")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "audit")
@SecurityRequirement(name = "jwt")
public class AuditResource {

    private final OverrideStore overrides;
    private final AuditStore audit;
    private final Callers callers;
    private final SecurityIdentity identity;

    public AuditResource(OverrideStore overrides, AuditStore audit, Callers callers, SecurityIdentity identity) {
        this.overrides = overrides;
        this.audit = audit;
        this.callers = callers;
        this.identity = identity;
    }

    @GET
    @Path("/overrides")
    @Operation(summary = "Emergency overrides, newest first (viewer)")
    public List<OverrideStore.Override> overrides(@QueryParam("limit") @DefaultValue("100") int limit) {
        callers.of(identity).require(Caller.VIEWER);
        return overrides.recent(limit(limit));
    }

    @GET
    @Path("/audit")
    @Operation(summary = "Audit trail, newest first (viewer)")
    public List<AuditStore.Entry> audit(@QueryParam("limit") @DefaultValue("100") int limit) {
        callers.of(identity).require(Caller.VIEWER);
        return audit.recent(limit(limit));
    }

    private static int limit(int limit) {
        if (limit < 1 || limit > 1000) {
            throw new ValidationException("limit", "must be 1-1000");
        }
        return limit;
    }
}
