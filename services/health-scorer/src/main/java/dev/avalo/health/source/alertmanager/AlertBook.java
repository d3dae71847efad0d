package dev.avalo.health.source.alertmanager;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import dev.avalo.health.gate.AlertView;

/**
 * The alerts Alertmanager reported, by fingerprint: a firing alert counts until a resolved notification for it arrives or its
 * {@code endsAt} passes. An alert belongs to a service and environment through its {@code service} and {@code environment}
 * labels (an alert without an environment label applies to every environment). Critical means label {@code severity=critical}.
 */
public final class AlertBook {

    /** One alert as kept. */
    public record Alert(String fingerprint, String name, String service, String environment, String severity,
            boolean firing, Instant endsAt) {
    }

    private final boolean configured;
    private final Map<String, Alert> alerts = new ConcurrentHashMap<>();

    public AlertBook(boolean configured) {
        this.configured = configured;
    }

    public boolean configured() {
        return configured;
    }

    /** Records one alert of a webhook notification. */
    public void record(Alert alert) {
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
        return new AlertView(true, List.copyOf(firing));
    }
}
