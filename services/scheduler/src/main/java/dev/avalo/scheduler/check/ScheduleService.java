package dev.avalo.scheduler.check;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.avalo.contracts.DnsLabel;
import dev.avalo.contracts.schedule.Emergency;
import dev.avalo.contracts.schedule.ScheduleCheckReply;
import dev.avalo.contracts.schedule.ScheduleVerdict;
import dev.avalo.scheduler.audit.AuditStore;
import dev.avalo.scheduler.db.Jdbc;
import dev.avalo.scheduler.freeze.Freeze;
import dev.avalo.scheduler.freeze.FreezeStore;
import dev.avalo.scheduler.incident.Incident;
import dev.avalo.scheduler.incident.IncidentStore;
import dev.avalo.scheduler.override.OverrideStore;
import dev.avalo.scheduler.problem.ApiException;
import dev.avalo.scheduler.problem.ValidationException;
import dev.avalo.scheduler.window.EnvironmentPolicy;
import dev.avalo.scheduler.window.Policies;

/**
 * Answers schedule checks (REST and NATS alike): validates, evaluates against the stored freezes, and applies an emergency
 * override when the caller may approve one, recording it with its actor.
 */
public class ScheduleService {

    /**
     * Who is asking for an emergency override and how that was established.
     *
     * @param actor
     *            recorded as the override's actor
     * @param channel
     *            {@code rest}, {@code nats-token} or {@code nats-trusted}
     * @param approver
     *            whether the asker holds the approver role (or is trusted to have checked it)
     */
    public record Asker(String actor, String channel, boolean approver) {
    }

    private final Policies policies;
    private final ScheduleEvaluator evaluator;
    private final FreezeStore freezes;
    private final IncidentStore incidents;
    private final OverrideStore overrides;
    private final AuditStore audit;
    private final Jdbc jdbc;
    private final Clock clock;

    public ScheduleService(Policies policies, ScheduleEvaluator evaluator, FreezeStore freezes, IncidentStore incidents,
            OverrideStore overrides, AuditStore audit, Jdbc jdbc, Clock clock) {
        this.policies = policies;
        this.evaluator = evaluator;
        this.freezes = freezes;
        this.incidents = incidents;
        this.overrides = overrides;
        this.audit = audit;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** The policy of a known environment. */
    public EnvironmentPolicy policy(String environment) {
        DnsLabel.require("environment", environment);
        return policies.of(environment).orElseThrow(() -> new ValidationException("environment",
                "unknown environment '" + environment + "'; known: " + String.join(", ", policies.environments())));
    }

    /** Every stored freeze (ad-hoc and incident) that may matter from {@code from} over the search horizon. */
    public List<Freeze> stored(Instant from, Instant to) {
        List<Freeze> out = new ArrayList<>(freezes.overlapping(from, to));
        for (Incident i : incidents.overlapping(from, to)) {
            out.add(i.freeze());
        }
        return out;
    }

    /** Evaluates without an emergency. */
    public Evaluation evaluate(String service, String environment, Instant at) {
        if (service != null) {
            DnsLabel.require("service", service);
        }
        EnvironmentPolicy policy = policy(environment);
        return evaluator.evaluate(policy, service, at,
                stored(at.minus(java.time.Duration.ofDays(1)), at.plus(ScheduleEvaluator.HORIZON)));
    }

    /**
     * The check. {@code at} null means now. An emergency needs {@code reason} and {@code approvedBy} and an asker with the
     * approver role, whether or not it turns out to be needed.
     */
    public ScheduleCheckReply check(String service, String environment, Instant at, Emergency emergency, Asker asker) {
        if (service == null || service.isBlank()) {
            throw new ValidationException("service", "is required");
        }
        DnsLabel.require("service", service);
        if (environment == null || environment.isBlank()) {
            throw new ValidationException("environment", "is required");
        }
        policy(environment);
        if (emergency != null) {
            List<ValidationException.FieldError> errors = new ArrayList<>();
            if (emergency.approvedBy() == null || emergency.approvedBy().isBlank()) {
                errors.add(new ValidationException.FieldError("emergency.approvedBy", "is required"));
            }
            if (emergency.reason() == null || emergency.reason().isBlank()) {
                errors.add(new ValidationException.FieldError("emergency.reason", "is required"));
            }
            if (!errors.isEmpty()) {
                throw new ValidationException("an emergency override needs an approver and a reason", errors);
            }
            if (asker == null || !asker.approver()) {
                throw ApiException.forbidden("an emergency override needs the approver role"
                        + (asker == null ? "" : "; " + asker.actor() + " lacks it"));
            }
        }
        Instant when = at == null ? clock.instant() : at;
        Evaluation e = evaluate(service, environment, when);
        List<String> reasons = new ArrayList<>(e.reasons());
        ScheduleVerdict verdict = e.verdict();
        if (emergency != null) {
            if (e.blocked()) {
                verdict = ScheduleVerdict.OVERRIDDEN;
                reasons.add(0, "emergency override approved by " + emergency.approvedBy() + " (asked by "
                        + asker.actor() + " via " + asker.channel() + "): " + emergency.reason());
                record(service, environment, when, emergency, asker, e.reasons());
            } else {
                reasons.add("emergency not needed: the schedule allows this; no override recorded");
            }
        }
        return new ScheduleCheckReply(verdict != ScheduleVerdict.BLOCKED, verdict, reasons,
                e.freezes().stream().map(Freeze::view).toList(), e.nextAllowedAt());
    }

    private void record(String service, String environment, Instant at, Emergency emergency, Asker asker,
            List<String> blockedReasons) {
        String id = UUID.randomUUID().toString();
        Instant now = clock.instant();
        jdbc.tx(() -> {
            overrides.insert(new OverrideStore.Override(id, at, service, environment, emergency.approvedBy(),
                    emergency.reason(), asker.actor(), asker.channel(), blockedReasons, now));
            audit.record(now, asker.actor(), "override", service + "/" + environment, Map.of("overrideId", id,
                    "approvedBy", emergency.approvedBy(), "reason", emergency.reason(), "channel", asker.channel(),
                    "at", at.toString(), "blockedReasons", blockedReasons));
            return null;
        });
    }
}
