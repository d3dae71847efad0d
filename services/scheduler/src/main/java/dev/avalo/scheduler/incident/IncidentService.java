package dev.avalo.scheduler.incident;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jboss.logging.Logger;

import dev.avalo.contracts.DnsLabel;
import dev.avalo.contracts.Subjects;
import dev.avalo.contracts.incident.IncidentEventData;
import dev.avalo.scheduler.audit.AuditStore;
import dev.avalo.scheduler.db.Jdbc;
import dev.avalo.scheduler.freeze.EventSink;
import dev.avalo.scheduler.freeze.FreezeWatcher;
import dev.avalo.scheduler.problem.ApiException;
import dev.avalo.scheduler.problem.ValidationException;

/**
 * Opens and resolves incidents, from REST ({@code POST /incidents}, published as {@code avalo.evt.incident.opened|resolved}) or
 * from those events on NATS (idempotent: the same incident id twice changes nothing). Each change is audited.
 */
public class IncidentService {

    /** The body of {@code POST /incidents}; {@code id} is generated when absent. */
    public record IncidentRequest(String id, String title, String severity, List<String> services) {
    }

    private static final Logger LOG = Logger.getLogger(IncidentService.class);
    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final IncidentStore store;
    private final AuditStore audit;
    private final Jdbc jdbc;
    private final FreezeWatcher watcher;
    private final EventSink sink;
    private final Subjects subjects;
    private final Clock clock;

    public IncidentService(IncidentStore store, AuditStore audit, Jdbc jdbc, FreezeWatcher watcher, EventSink sink,
            Subjects subjects, Clock clock) {
        this.store = store;
        this.audit = audit;
        this.jdbc = jdbc;
        this.watcher = watcher;
        this.sink = sink;
        this.subjects = subjects;
        this.clock = clock;
    }

    /** Opens an incident declared over REST and publishes {@code incident.opened}. */
    public Incident open(IncidentRequest req, String actor) {
        if (req == null) {
            throw new ValidationException("body", "a JSON body is required");
        }
        Instant now = clock.instant();
        String id = req.id() == null || req.id().isBlank()
                ? "INC-" + now.toEpochMilli() + "-"
                        + Integer.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextInt(0x10000))
                : req.id();
        Incident incident = validated(id, req.title(), req.severity(), req.services(), actor, now);
        if (!record(incident, actor, "rest")) {
            throw ApiException.conflict("incident " + id + " already exists");
        }
        publish("opened", incident);
        return incident;
    }

    /** Opens an incident from an {@code incident.opened} event; false when it was already known. */
    public boolean opened(IncidentEventData data) {
        Instant at = data.openedAt() == null ? clock.instant() : data.openedAt();
        String by = data.openedBy() == null || data.openedBy().isBlank() ? "unknown" : data.openedBy();
        Incident incident = validated(data.id(), data.title(), data.severity(), data.services(), by, at);
        return record(incident, by, "nats");
    }

    /** Resolves an open incident (REST) and publishes {@code incident.resolved}. */
    public Incident resolve(String id, String actor) {
        Incident incident = store.find(id).orElseThrow(() -> ApiException.notFound("id", "no incident " + id));
        if (!incident.open()) {
            throw ApiException.conflict("incident " + id + " was already resolved at " + incident.resolvedAt());
        }
        Incident resolved = resolveStored(id, actor, clock.instant(), "rest")
                .orElseThrow(() -> ApiException.conflict("incident " + id + " was resolved meanwhile"));
        publish("resolved", resolved);
        return resolved;
    }

    /** Resolves from an {@code incident.resolved} event; false when unknown or already resolved. */
    public boolean resolved(IncidentEventData data) {
        if (data.id() == null || data.id().isBlank()) {
            throw new ValidationException("id", "is required");
        }
        Instant at = data.resolvedAt() == null ? clock.instant() : data.resolvedAt();
        return resolveStored(data.id(), "incident.resolved event", at, "nats").isPresent();
    }

    public java.util.Optional<Incident> find(String id) {
        return store.find(id);
    }

    private java.util.Optional<Incident> resolveStored(String id, String actor, Instant at, String channel) {
        boolean done = jdbc.tx(() -> {
            if (!store.resolve(id, actor, at)) {
                return false;
            }
            audit.record(clock.instant(), actor, "incident.resolved", id, Map.of("channel", channel, "resolvedAt",
                    at.toString()));
            return true;
        });
        if (!done) {
            return java.util.Optional.empty();
        }
        watcher.tick();
        return store.find(id);
    }

    private boolean record(Incident incident, String actor, String channel) {
        boolean inserted = jdbc.tx(() -> {
            if (!store.insertIfAbsent(incident)) {
                return false;
            }
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("title", incident.title());
            if (incident.severity() != null) {
                d.put("severity", incident.severity());
            }
            d.put("services", incident.services().stream().sorted().toList());
            d.put("channel", channel);
            d.put("openedAt", incident.openedAt().toString());
            audit.record(clock.instant(), actor, "incident.opened", incident.id(), d);
            return true;
        });
        if (inserted) {
            watcher.tick();
        }
        return inserted;
    }

    private static Incident validated(String id, String title, String severity, List<String> services, String by,
            Instant at) {
        List<ValidationException.FieldError> errors = new ArrayList<>();
        if (id == null || !ID.matcher(id).matches()) {
            errors.add(new ValidationException.FieldError("id", "must be 1-64 of [A-Za-z0-9._-], got '" + id + "'"));
        }
        if (title == null || title.isBlank()) {
            errors.add(new ValidationException.FieldError("title", "is required"));
        } else if (title.length() > 500) {
            errors.add(new ValidationException.FieldError("title", "must be at most 500 characters"));
        }
        if (severity != null && severity.length() > 50) {
            errors.add(new ValidationException.FieldError("severity", "must be at most 50 characters"));
        }
        Set<String> svc = new LinkedHashSet<>();
        List<String> given = services == null ? List.of() : services;
        for (int i = 0; i < given.size(); i++) {
            if (given.get(i) == null || !DnsLabel.isValid(given.get(i))) {
                errors.add(new ValidationException.FieldError("services[" + i + "]", "'" + given.get(i)
                        + "' is not a DNS label"));
            } else {
                svc.add(given.get(i));
            }
        }
        if (!errors.isEmpty()) {
            throw new ValidationException("invalid incident", errors);
        }
        return new Incident(id, title.strip(), severity, svc, by, at, null, null);
    }

    private void publish(String what, Incident incident) {
        try {
            sink.publish(subjects.incidentEvent(what), "avalo.incident." + what, "incident-" + what + "-"
                    + incident.id(), incident.id(), incident.event());
        } catch (RuntimeException e) {
            LOG.warnf("incident %s %s is stored and freezes deployments, but its event was not published: %s",
                    incident.id(), what, e.getMessage());
        }
    }
}
