package dev.avalo.contracts.incident;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The {@code data} of {@code avalo.incident.opened} / {@code resolved} CloudEvents on
 * {@code avalo.evt.incident.<opened|resolved>}. {@code services} empty means every service is frozen by it.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IncidentEventData(String id, String title, String severity, List<String> services, String openedBy,
        Instant openedAt, Instant resolvedAt) {
}
