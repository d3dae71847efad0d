package dev.avalo.health.source.alertmanager;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import dev.avalo.health.gate.AlertView;
import dev.avalo.health.source.MetricsSource;

/**
 * The alerts Alertmanager reported, by fingerprint: a firing alert counts until a resolved notification for it arrives or its
 * {@code endsAt} passes. An alert belongs to a service and environment through its {@code service} and {@code environment}
 * labels (an alert without an environment label applies to every environment). Critical means label {@code severity=critical}.
 * <p>
 * Alertmanager only calls when something fires, so silence cannot tell "nothing firing" from "not wired up". With a heartbeat
 * alert configured (the usual always-firing {@code Watchdog}), the source counts as online only while that alert keeps
 * arriving; without one it counts as online once configured.
 */
public final class AlertBook implements MetricsSource {

    /** One alert as kept. */
    public record Alert(String fingerprint, String name, String service, String environment, String severity,
            boolean firing, Instant endsAt) {
    }

    private final boolean configured;
    private final String heartbeat;
    private final java.time.Duration heartbeatMaxAge;
    private final java.time.Clock clock;
    private final Map<String, Alert> alerts = new ConcurrentHashMap<>();
    private volatile Instant lastHeartbeat;

    /** A source without a heartbeat alert. */
    public AlertBook(boolean configured) {
        this(configured, null, null, java.time.Clock.systemUTC());
    }

    /**
     * @param heartbeat
     *            the always-firing alert's name (e.g. {@code Watchdog}), or null for none
     * @param heartbeatMaxAge
     *            how long after the last heartbeat the source still counts as online
     */
    public AlertBook(boolean configured, String heartbeat, java.time.Duration heartbeatMaxAge, java.time.Clock clock) {
        this.configured = configured;
        this.heartbeat = heartbeat;
        this.heartbeatMaxAge = heartbeatMaxAge;
        this.clock = clock;
    }

    public boolean configured() {
        return configured;
    }

    @Override
    public String type() {
        return "alertmanager";
    }

    @Override
    public boolean online() {
        return online(clock.instant());
    }

    private boolean online(Instant now) {
        if (!configured) {
            return false;
        }
        if (heartbeat == null) {
            return true;
        }
        Instant last = lastHeartbeat;
        return last != null && !last.plus(heartbeatMaxAge).isBefore(now);
    }

    /** Records one alert of a webhook notification. */
    public void record(Alert alert) {
        if (heartbeat != null && heartbeat.equals(alert.name())) {
            if (alert.firing()) {
                lastHeartbeat = clock.instant();
            }
            return;
        }
        if (alert.firing()) {
            alerts.put(alert.fingerprint(), alert);
        } else {
            alerts.remove(alert.fingerprint());
        }
    }

    /** What the "no critical alerts" gate sees for a service at {@code now}. */
    public AlertView view(String service, String environment, Instant now) {
        if (!configured) {
            return AlertView.unconfigured();
        }
        TreeSet<String> firing = new TreeSet<>();
        for (Alert a : alerts.values()) {
            boolean current = a.endsAt() == null || a.endsAt().isAfter(now);
            if (current && "critical".equalsIgnoreCase(a.severity()) && service.equals(a.service())
                    && (a.environment() == null || environment.equals(a.environment()))) {
                firing.add(a.name());
            }
        }
        return new AlertView(true, online(now), List.copyOf(firing));
    }
}
