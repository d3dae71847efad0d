package dev.avalo.scheduler.freeze;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.avalo.contracts.DnsLabel;
import dev.avalo.scheduler.audit.AuditStore;
import dev.avalo.scheduler.check.Times;
import dev.avalo.scheduler.db.Jdbc;
import dev.avalo.scheduler.incident.Incident;
import dev.avalo.scheduler.incident.IncidentStore;
import dev.avalo.scheduler.problem.ApiException;
import dev.avalo.scheduler.problem.ValidationException;
import dev.avalo.scheduler.window.Policies;

/** Lists every freeze; creates and removes ad-hoc ones (admins), each change audited with its actor. */
public class FreezeService {

    /** The body of {@code POST /freezes}; dates without an offset are local to {@code timeZone}. */
    public record FreezeRequest(String name, String reason, String startsAt, String endsAt, String timeZone,
            List<String> environments, List<String> services) {
    }

    /** A freeze in responses. */
    public record FreezeView(String id, String name, String kind, Instant startsAt, Instant endsAt, String reason,
            List<String> environments, List<String> services, String declaredBy) {
        static FreezeView of(Freeze f) {
            return new FreezeView(f.id(), f.name(), f.kind(), f.startsAt(), f.endsAt(), f.reason(),
                    f.environments().stream().sorted().toList(), f.services().stream().sorted().toList(),
                    f.declaredBy());
        }
    }

    private final FreezeCalendar calendar;
    private final FreezeStore store;
    private final IncidentStore incidents;
    private final AuditStore audit;
    private final Jdbc jdbc;
    private final Policies policies;
    private final FreezeWatcher watcher;
    private final ZoneId defaultZone;
    private final Clock clock;

    public FreezeService(FreezeCalendar calendar, FreezeStore store, IncidentStore incidents, AuditStore audit, Jdbc jdbc,
            Policies policies, FreezeWatcher watcher, ZoneId defaultZone, Clock clock) {
        this.calendar = calendar;
        this.store = store;
        this.incidents = incidents;
        this.audit = audit;
        this.jdbc = jdbc;
        this.policies = policies;
        this.watcher = watcher;
        this.defaultZone = defaultZone;
        this.clock = clock;
    }

    public ZoneId defaultZone() {
        return defaultZone;
    }

    /** Every freeze overlapping [from, to): calendar, ad-hoc and incident ones, by start. */
    public List<Freeze> between(Instant from, Instant to) {
        if (!to.isAfter(from)) {
            throw new ValidationException("to", "must be after from");
        }
        if (java.time.Duration.between(from, to).toDays() > 366 * 5) {
            throw new ValidationException("to", "the range may span at most five years");
        }
        List<Freeze> out = new ArrayList<>(calendar.freezes(from, to));
        out.addAll(store.overlapping(from, to));
        for (Incident i : incidents.overlapping(from, to)) {
            out.add(i.freeze());
        }
        out.sort(Comparator.comparing(Freeze::startsAt).thenComparing(Freeze::id));
        return out;
    }

    public List<FreezeView> list(Instant from, Instant to) {
        return between(from, to).stream().map(FreezeView::of).toList();
    }

    /** Validates everything before storing anything. */
    public FreezeView create(FreezeRequest req, String actor) {
        if (req == null) {
            throw new ValidationException("body", "a JSON body is required");
        }
        List<ValidationException.FieldError> errors = new ArrayList<>();
        if (req.name() == null || req.name().isBlank()) {
            errors.add(new ValidationException.FieldError("name", "is required"));
        } else if (req.name().length() > 200) {
            errors.add(new ValidationException.FieldError("name", "must be at most 200 characters"));
        }
        if (req.reason() != null && req.reason().length() > 2000) {
            errors.add(new ValidationException.FieldError("reason", "must be at most 2000 characters"));
        }
        ZoneId zone = defaultZone;
        try {
            zone = Times.zone("timeZone", req.timeZone(), defaultZone);
        } catch (ValidationException e) {
            errors.addAll(e.errors());
        }
        Instant start = null;
        Instant end = null;
        try {
            start = Times.parse("startsAt", req.startsAt(), zone);
        } catch (ValidationException e) {
            errors.addAll(e.errors());
        }
        try {
            end = Times.parse("endsAt", req.endsAt(), zone);
        } catch (ValidationException e) {
            errors.addAll(e.errors());
        }
        if (start != null && end != null && !end.isAfter(start)) {
            errors.add(new ValidationException.FieldError("endsAt", "must be after startsAt"));
        }
        Set<String> environments = new LinkedHashSet<>();
        List<String> envs = req.environments() == null ? List.of() : req.environments();
        for (int i = 0; i < envs.size(); i++) {
            String env = envs.get(i);
            if (env == null || !DnsLabel.isValid(env) || policies.of(env).isEmpty()) {
                errors.add(new ValidationException.FieldError("environments[" + i + "]", "unknown environment '" + env
                        + "'; known: " + String.join(", ", policies.environments())));
            } else {
                environments.add(env);
            }
        }
        Set<String> services = new LinkedHashSet<>();
        List<String> svcs = req.services() == null ? List.of() : req.services();
        for (int i = 0; i < svcs.size(); i++) {
            String s = svcs.get(i);
            if (s == null || !DnsLabel.isValid(s)) {
                errors.add(new ValidationException.FieldError("services[" + i + "]", "'" + s
                        + "' is not a DNS label"));
            } else {
                services.add(s);
            }
        }
        if (!errors.isEmpty()) {
            throw new ValidationException("invalid freeze", errors);
        }
        Freeze f = new Freeze(UUID.randomUUID().toString(), req.name().strip(), Freeze.AD_HOC, start, end,
                req.reason(), environments, services, actor);
        Instant now = clock.instant();
        jdbc.tx(() -> {
            store.insert(f, now);
            audit.record(now, actor, "freeze.created", f.id(), details(f));
            return null;
        });
        watcher.tick();
        return FreezeView.of(f);
    }

    /** Removes an ad-hoc freeze; calendar freezes come from configuration and incident freezes end on resolve. */
    public void delete(String id, String actor) {
        if (id.startsWith("holiday-") || id.startsWith("bfcm-")) {
            throw ApiException.conflict("freeze " + id
                    + " comes from the holiday calendar; change avalo.scheduler.holidays to remove it");
        }
        if (id.startsWith("incident-")) {
            throw ApiException.conflict("freeze " + id + " lasts until its incident is resolved: POST /api/v1/incidents/"
                    + id.substring("incident-".length()) + "/resolve");
        }
        Freeze f = store.find(id).orElseThrow(() -> ApiException.notFound("id", "no ad-hoc freeze " + id));
        Instant now = clock.instant();
        jdbc.tx(() -> {
            if (!store.delete(id)) {
                throw ApiException.notFound("id", "no ad-hoc freeze " + id);
            }
            audit.record(now, actor, "freeze.deleted", id, details(f));
            return null;
        });
        watcher.tick();
    }

    private static Map<String, Object> details(Freeze f) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", f.name());
        d.put("startsAt", f.startsAt().toString());
        d.put("endsAt", f.endsAt().toString());
        if (f.reason() != null) {
            d.put("reason", f.reason());
        }
        d.put("environments", f.environments().stream().sorted().toList());
        d.put("services", f.services().stream().sorted().toList());
        return d;
    }
}
