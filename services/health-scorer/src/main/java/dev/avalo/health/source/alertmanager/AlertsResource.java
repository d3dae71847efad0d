package dev.avalo.health.source.alertmanager;

import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.avalo.health.problem.ApiException;

/**
 * {@code POST /api/v1/alerts}: the Alertmanager webhook (configure Alertmanager's {@code http_config.authorization} with a
 * deployer token). Firing critical alerts of a service fail its "no critical alerts" gate and feed the {@code critical_alerts}
 * metric rules can use; resolved ones clear it.
 */
@Path("/api/v1/alerts")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "alerts")
@SecurityRequirement(name = "jwt")
public class AlertsResource {

    private final AlertBook book;

    public AlertsResource(AlertBook book) {
        this.book = book;
    }

    @POST
    @RolesAllowed("deployer")
    @Operation(summary = "Alertmanager webhook (deployer)")
    public Map<String, Object> receive(AlertmanagerWebhook body) {
        if (body == null) {
            throw ApiException.badRequest("body", "a JSON body is required");
        }
        if (!book.configured()) {
            throw new ApiException(409, "Conflict", "the alert source is not alertmanager (avalo.health.alerts.source)",
                    null);
        }
        List<AlertBook.Alert> alerts = body.toAlerts("service", "environment");
        alerts.forEach(book::record);
        return Map.of("received", alerts.size());
    }
}
