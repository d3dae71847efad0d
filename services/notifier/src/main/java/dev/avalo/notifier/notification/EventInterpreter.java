package dev.avalo.notifier.notification;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.avalo.contracts.deployment.Cause;
import dev.avalo.contracts.deployment.DeploymentEventData;
import dev.avalo.contracts.deployment.DeploymentView;
import dev.avalo.contracts.deployment.StageView;
import dev.avalo.contracts.health.Breach;
import dev.avalo.contracts.health.GateResult;
import dev.avalo.contracts.health.HealthReport;
import dev.avalo.contracts.incident.IncidentEventData;
import dev.avalo.contracts.schedule.ActiveFreeze;
import dev.avalo.contracts.schedule.FreezeEventData;

/**
 * Turns an event of stream {@code AVALO_EVENTS} into the {@link Notification} people read: what happened, to which service, how
 * healthy the canary was and why (the breached rules and failed gates with observed values and thresholds). Plain Java: the
 * transport decodes the CloudEvent envelope and hands over its parts.
 */
public final class EventInterpreter {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final String deploymentLink;
    private final String freezeLink;

    /**
     * @param deploymentLink
     *            link template with {@code {id}}, {@code {service}}, {@code {environment}}
     * @param freezeLink
     *            link for freeze and incident events
     */
    public EventInterpreter(String deploymentLink, String freezeLink) {
        this.deploymentLink = deploymentLink;
        this.freezeLink = freezeLink;
    }

    /** The event kind of a CloudEvent type: {@code avalo.deployment.rollback.started} → {@code rollback.started}. */
    public static String kindOf(String type) {
        for (String prefix : List.of("avalo.deployment.", "avalo.schedule.", "avalo.incident.")) {
            if (type.startsWith(prefix)) {
                String rest = type.substring(prefix.length());
                return prefix.equals("avalo.incident.") ? "incident." + rest : rest;
            }
        }
        return type;
    }

    public Notification deployment(String eventId, String type, Instant at, DeploymentEventData data, Severity severity) {
        DeploymentView d = data.deployment();
        if (d == null) {
            throw new IllegalArgumentException("deployment event " + eventId + " has no deployment");
        }
        String kind = kindOf(type);
        Cause cause = data.cause();
        StageView stage = d.stage();
        HealthReport health = d.health();
        List<Notification.Reason> reasons = new ArrayList<>();
        if (health != null) {
            for (Breach b : health.breaches()) {
                reasons.add(new Notification.Reason(b.ruleId(), b.description(), b.observed(), b.threshold()));
            }
            for (GateResult g : health.gates()) {
                if ("FAIL".equals(g.status())) {
                    Double threshold = g.lower() != null ? g.lower() : g.upper();
                    reasons.add(new Notification.Reason("gate " + g.gate(), g.detail(), g.observed(), threshold));
                }
            }
        }
        Map<String, String> fields = new LinkedHashMap<>();
        if (cause != null && cause.actor() != null) {
            fields.put("Actor", cause.actor());
        }
        if (d.strategy() != null) {
            fields.put("Strategy", d.strategy());
        }
        if (d.rollbackMillis() != null) {
            fields.put("Rollback took", d.rollbackMillis() + " ms");
        }
        fields.put("State", d.state());
        fields.put("Deployment", d.id());
        String what = headline(kind);
        String title = what + ": " + d.service() + " in " + d.environment();
        StringBuilder text = new StringBuilder();
        text.append(sentence(kind, d));
        if (cause != null && cause.reason() != null && !cause.reason().isBlank()) {
            text.append(' ').append(cause.reason().strip());
            if (!cause.reason().strip().endsWith(".")) {
                text.append('.');
            }
        }
        return new Notification(eventId, type, kind, severity, at, title, text.toString(), d.id(), d.service(),
                d.environment(), d.id(), d.fromRevision(), d.toRevision(), stage == null ? null : stage.name(),
                stage == null ? null : stage.weightBasisPoints(), health == null ? null : health.score(),
                health == null || health.verdict() == null ? null : health.verdict().name(), reasons, fields,
                link(d), List.of());
    }

    public Notification freeze(String eventId, String type, Instant at, FreezeEventData data, Severity severity) {
        String kind = kindOf(type);
        ActiveFreeze f = data.freeze();
        if (f == null) {
            throw new IllegalArgumentException("freeze event " + eventId + " has no freeze");
        }
        boolean started = kind.endsWith("started");
        String title = (started ? "Deploy freeze started: " : "Deploy freeze ended: ") + f.name();
        StringBuilder text = new StringBuilder(started
                ? "Production deployments are blocked"
                : "Production deployments are allowed again");
        if (started && f.endsAt() != null) {
            text.append(" until ").append(WHEN.format(f.endsAt()));
        }
        text.append(" (").append(f.kind()).append(" freeze).");
        if (data.reason() != null && !data.reason().isBlank()) {
            text.append(' ').append(data.reason().strip());
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Freeze", f.id());
        fields.put("Kind", f.kind());
        if (f.startsAt() != null) {
            fields.put("Starts", WHEN.format(f.startsAt()));
        }
        if (f.endsAt() != null) {
            fields.put("Ends", WHEN.format(f.endsAt()));
        }
        if (data.declaredBy() != null) {
            fields.put("Declared by", data.declaredBy());
        }
        return new Notification(eventId, type, kind, severity, at, title, text.toString(), "freeze/" + f.id(), null,
                null, null, null, null, null, null, null, null, List.of(), fields, freezeLink, List.of());
    }

    public Notification incident(String eventId, String type, Instant at, IncidentEventData data, Severity severity) {
        String kind = kindOf(type);
        boolean opened = kind.endsWith("opened");
        String name = data.title() == null || data.title().isBlank() ? data.id() : data.title();
        String title = (opened ? "Incident opened: " : "Incident resolved: ") + name;
        String scope = data.services() == null || data.services().isEmpty()
                ? "all services"
                : String.join(", ", data.services());
        String text = opened
                ? "Deployments of " + scope + " are frozen while the incident is open."
                : "The incident freeze on " + scope + " is lifted.";
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Incident", data.id());
        if (data.severity() != null) {
            fields.put("Severity", data.severity());
        }
        if (data.openedBy() != null) {
            fields.put("Opened by", data.openedBy());
        }
        return new Notification(eventId, type, kind, severity, at, title, text, "incident/" + data.id(), null, null,
                null, null, null, null, null, null, null, List.of(), fields, freezeLink, List.of());
    }

    /** A notice that a notification could not be delivered on {@code channel}, for the other channels. */
    public static Notification deadLetter(String eventId, Instant at, Notification failed, String channel, String detail) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Channel", channel);
        fields.put("Event", failed.eventId());
        fields.put("Error", detail == null ? "unknown" : detail);
        return new Notification(eventId, "avalo.notifier.dead-lettered", "delivery.dead-lettered", Severity.WARNING, at,
                "Notification not delivered on " + channel + ": " + failed.title(),
                "The notifier gave up delivering \"" + failed.title() + "\" to " + channel + " (" + detail
                        + "). It is kept in the delivery log with status DEAD.",
                "dead-letter", failed.service(), failed.environment(), failed.deploymentId(), failed.fromRevision(),
                failed.toRevision(), failed.stage(), failed.weightBasisPoints(), failed.healthScore(), failed.verdict(),
                failed.reasons(), fields, failed.link(), List.of());
    }

    /** One notification standing for {@code held}, which a rate limit held back on {@code channel}. */
    public static Notification summary(String eventId, Instant at, String channel, List<Notification> held) {
        Severity worst = Severity.INFO;
        for (Notification n : held) {
            if (n.severity().compareTo(worst) > 0) {
                worst = n.severity();
            }
        }
        Map<String, Long> byKind = new LinkedHashMap<>();
        for (Notification n : held) {
            byKind.merge(n.kind(), 1L, Long::sum);
        }
        StringBuilder text = new StringBuilder();
        text.append(held.size()).append(" notifications were held back by the rate limit of ").append(channel)
                .append(": ");
        List<String> parts = new ArrayList<>();
        byKind.forEach((k, c) -> parts.add(c + " × " + k));
        text.append(String.join(", ", parts)).append('.');
        return new Notification(eventId, "avalo.notifier.summary", "summary", worst, at,
                held.size() + " notifications held back on " + channel, text.toString(), "summary", null, null, null,
                null, null, null, null, null, null, List.of(), Map.of(), null, held);
    }

    private String link(DeploymentView d) {
        if (deploymentLink == null || deploymentLink.isBlank()) {
            return null;
        }
        return deploymentLink.replace("{id}", d.id()).replace("{service}", d.service())
                .replace("{environment}", d.environment());
    }

    private static String headline(String kind) {
        return switch (kind) {
            case "created" -> "Deployment started";
            case "stage.entered" -> "Stage entered";
            case "stage.passed" -> "Stage passed";
            case "paused" -> "Deployment paused";
            case "approval.required" -> "Approval required";
            case "approved" -> "Deployment approved";
            case "resumed" -> "Deployment resumed";
            case "rollback.started" -> "Rollback started";
            case "rolled-back" -> "Rolled back";
            case "succeeded" -> "Deployment succeeded";
            case "failed" -> "Deployment failed";
            case "aborted" -> "Deployment aborted";
            case "emergency-stop" -> "Emergency stop";
            case "warning" -> "Deployment warning";
            default -> "Deployment " + kind;
        };
    }

    private static String sentence(String kind, DeploymentView d) {
        String rev = d.toRevision() == null ? "the new revision" : d.toRevision();
        String stage = d.stage() == null
                ? ""
                : " (stage " + d.stage().name() + ", " + Numbers.percent(d.stage().weightBasisPoints()) + ")";
        return switch (kind) {
            case "created" -> "Canary of " + rev + " started" + stage + ".";
            case "stage.entered" -> rev + " entered a new stage" + stage + ".";
            case "stage.passed" -> rev + " passed its stage" + stage + ".";
            case "paused" -> "The canary of " + rev + " is paused" + stage + ".";
            case "approval.required" -> "The canary of " + rev + " waits for an approver" + stage + ".";
            case "approved" -> "The canary of " + rev + " was approved" + stage + ".";
            case "resumed" -> "The canary of " + rev + " resumed" + stage + ".";
            case "rollback.started" -> "Traffic is moving back from " + rev + " to "
                    + (d.fromRevision() == null ? "the stable revision" : d.fromRevision()) + stage + ".";
            case "rolled-back" -> "Every router serves "
                    + (d.fromRevision() == null ? "the stable revision" : d.fromRevision()) + " again; " + rev
                    + " gets no traffic.";
            case "succeeded" -> rev + " serves 100 % of traffic.";
            case "failed" -> "The deployment of " + rev + " failed" + stage + ".";
            case "aborted" -> "The deployment of " + rev + " was aborted" + stage + ".";
            case "emergency-stop" -> "An emergency stop halted the canary of " + rev + stage + ".";
            case "warning" -> "The canary of " + rev + " needs attention" + stage + ".";
            default -> rev + ": " + kind + stage + ".";
        };
    }
}
