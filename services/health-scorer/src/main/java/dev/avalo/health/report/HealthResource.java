package dev.avalo.health.report;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.avalo.contracts.DnsLabel;
import dev.avalo.contracts.health.HealthReport;
import dev.avalo.health.problem.ApiException;

/** {@code GET /api/v1/health/{service}/{env}}: the latest health report, as published ({@link LatestReports}). */
@Path("/api/v1/health")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "health")
@SecurityRequirement(name = "jwt")
public class HealthResource {

    private final LatestReports reports;

    public HealthResource(LatestReports reports) {
        this.reports = reports;
    }

    @GET
    @Path("/{service}/{environment}")
    @RolesAllowed("viewer")
    @Operation(summary = "The latest health report of a service's live canary (viewer)")
    @APIResponse(responseCode = "200", description = "The report as last published on NATS", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = HealthReport.class)))
    public byte[] latest(@PathParam("service") String service, @PathParam("environment") String environment) {
        DnsLabel.require("service", service);
        DnsLabel.require("environment", environment);
        return reports.get(service, environment).orElseThrow(() -> ApiException.notFound("service",
                "no health report for " + service + "/" + environment + " yet"));
    }
}
