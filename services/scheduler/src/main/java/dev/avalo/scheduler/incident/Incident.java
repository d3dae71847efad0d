package dev.avalo.scheduler.incident;

import java.time.Instant;
import java.util.Set;

import dev.avalo.contracts.incident.IncidentEventData;
import dev.avalo.scheduler.freeze.Freeze;

/** An incident; while unresolved it freezes its services (all when none are named) in every environment that takes it. */
public record Incident(String id, String title, String severity, Set<String> services, String openedBy, Instant openedAt,
        String resolvedBy, Instant resolvedAt) {

    public Incident {
        services = services == null ? Set.of() : Set.copyOf(services);
    }

    public boolean open() {
        return resolvedAt == null;
    }

    /** The freeze it causes: from opening to resolution (open-ended while unresolved). */
    public Freeze freeze() {
        return new Freeze("incident-" + id, "incident " + id + ": " + title, Freeze.INCIDENT, openedAt, resolvedAt,
                severity == null ? "open incident" : "open incident, severity " + severity, Set.of(), services,
                openedBy);
    }

    public IncidentEventData event() {
        return new IncidentEventData(id, title, severity, services.stream().sorted().toList(), openedBy, openedAt,
                resolvedAt);
    }
}
