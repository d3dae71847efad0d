package dev.avalo.contracts;

import java.util.Objects;

/**
 * Builds the NATS subjects and KV keys of DESIGN.md §4 under a configurable prefix (default {@code avalo}). Every service and
 * environment token is checked to be a DNS label, so no caller can inject wildcards or separators.
 */
public final class Subjects {

    /** The default subject prefix. */
    public static final String DEFAULT_PREFIX = "avalo";

    /** The deploy command actions that have a subject of their own. */
    public static final java.util.List<String> DEPLOY_ACTIONS = java.util.List.of("start", "promote", "approve", "pause",
            "resume", "rollback", "abort");

    private final String prefix;

    private Subjects(String prefix) {
        if (prefix == null || prefix.isBlank() || !prefix.matches("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*")) {
            throw new IllegalArgumentException("subject prefix must be dot-separated tokens of [A-Za-z0-9_-], got '"
                    + prefix + "'");
        }
        this.prefix = prefix;
    }

    /** Subjects under the default prefix {@code avalo}. */
    public static Subjects defaults() {
        return new Subjects(DEFAULT_PREFIX);
    }

    /** Subjects under {@code prefix}. */
    public static Subjects withPrefix(String prefix) {
        return new Subjects(prefix);
    }

    public String prefix() {
        return prefix;
    }

    /** {@code avalo.cmd.deploy.<action>}; action is one of {@link #DEPLOY_ACTIONS}. */
    public String deployCommand(String action) {
        if (action == null || !DEPLOY_ACTIONS.contains(action)) {
            throw new IllegalArgumentException("unknown deploy action '" + action + "', expected one of " + DEPLOY_ACTIONS);
        }
        return prefix + ".cmd.deploy." + action;
    }

    /** {@code avalo.cmd.deploy.*}: every deploy command. */
    public String deployCommands() {
        return prefix + ".cmd.deploy.*";
    }

    /** {@code avalo.cmd.emergency-stop}. */
    public String emergencyStop() {
        return prefix + ".cmd.emergency-stop";
    }

    /** {@code avalo.cmd.schedule.check}. */
    public String scheduleCheck() {
        return prefix + ".cmd.schedule.check";
    }

    /** {@code avalo.evt.deployment.<service>.<env>}. */
    public String deploymentEvent(String service, String environment) {
        return prefix + ".evt.deployment." + tokens(service, environment);
    }

    /** {@code avalo.evt.deployment.>}. */
    public String deploymentEvents() {
        return prefix + ".evt.deployment.>";
    }

    /** {@code avalo.evt.health.<service>.<env>}. */
    public String health(String service, String environment) {
        return prefix + ".evt.health." + tokens(service, environment);
    }

    /** {@code avalo.evt.health.*.*}. */
    public String healthAll() {
        return prefix + ".evt.health.*.*";
    }

    /** {@code avalo.evt.schedule.<freeze.started|freeze.ended>}. */
    public String scheduleEvent(String type) {
        return prefix + ".evt.schedule." + Objects.requireNonNull(type);
    }

    /** {@code avalo.evt.schedule.>}. */
    public String scheduleEvents() {
        return prefix + ".evt.schedule.>";
    }

    /** {@code avalo.evt.incident.<opened|resolved>}. */
    public String incidentEvent(String type) {
        return prefix + ".evt.incident." + Objects.requireNonNull(type);
    }

    /** {@code avalo.evt.incident.>}. */
    public String incidentEvents() {
        return prefix + ".evt.incident.>";
    }

    /** {@code avalo.evt.router.applied.<service>.<env>}. */
    public String routerApplied(String service, String environment) {
        return prefix + ".evt.router.applied." + tokens(service, environment);
    }

    /** {@code avalo.evt.router.applied.*.*}. */
    public String routerAppliedAll() {
        return prefix + ".evt.router.applied.*.*";
    }

    /** {@code avalo.metrics.<service>.<env>}. */
    public String metrics(String service, String environment) {
        return prefix + ".metrics." + tokens(service, environment);
    }

    /** {@code avalo.metrics.custom.<service>.<env>}. */
    public String customMetrics(String service, String environment) {
        return prefix + ".metrics.custom." + tokens(service, environment);
    }

    /** The subjects stream {@code AVALO_EVENTS} holds. */
    public java.util.List<String> eventStreamSubjects() {
        return java.util.List.of(deploymentEvents(), scheduleEvents(), incidentEvents());
    }

    /** KV key of a desired route in bucket {@code avalo-routes}: {@code <service>.<env>}. */
    public static String routeKey(String service, String environment) {
        return tokens(service, environment);
    }

    private static String tokens(String service, String environment) {
        return DnsLabel.require("service", service) + "." + DnsLabel.require("environment", environment);
    }
}
