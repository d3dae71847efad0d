package dev.avalo.health.source.custom;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.avalo.contracts.metrics.MetricsBatch;
import dev.avalo.health.verdict.HealthEngine;

/** {@code POST /api/v1/metrics}: a batch of pushed business metrics (deployer); all or nothing. */
@Path("/api/v1/metrics")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "metrics")
@SecurityRequirement(name = "jwt")
public class MetricsResource {

    private final HealthEngine engine;
    private final CustomMetrics validator;
    private final Clock clock;

    public MetricsResource(HealthEngine engine, CustomMetrics validator, Clock clock) {
        this.engine = engine;
        this.validator = validator;
        this.clock = clock;
    }

    @POST
    @RolesAllowed("deployer")
    @Operation(summary = "Push business metrics (deployer); every sample is validated before any is kept")
    public Response push(MetricsBatch batch) {
        List<CustomMetrics.Valid> valid = validator.validate(batch, clock.instant());
        for (CustomMetrics.Valid v : valid) {
            engine.addCustom(batch.service(), batch.environment(), v);
        }
        return Response.accepted(Map.of("accepted", valid.size())).build();
    }
}
