package dev.avalo.health.source.alertmanager;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.quarkus.runtime.annotations.RegisterForReflection;

import dev.avalo.health.source.InvalidSampleException;

/**
 * The Prometheus Alertmanager webhook body (version 4): only the fields the scorer reads. Unknown fields are ignored.
 */
@RegisterForReflection
public record AlertmanagerWebhook(String version, String status, String receiver, List<Alert> alerts) {

    /** One alert of the notification. */
    @RegisterForReflection
    public record Alert(String status, Map<String, String> labels, Map<String, String> annotations, Instant startsAt,
            Instant endsAt, String fingerprint) {
    }

    /**
     * Validates and converts to {@link AlertBook.Alert}s: {@code status} {@code firing} or {@code resolved}, an
     * {@code alertname} label; the fingerprint is computed from the sorted labels when absent. Alertmanager's zero time
     * ({@code 0001-01-01}) as {@code endsAt} means "no end".
     */
    public List<AlertBook.Alert> toAlerts(String serviceLabel, String environmentLabel) {
        if (alerts == null) {
            throw new InvalidSampleException("alerts", "an alerts list is required");
        }
        List<AlertBook.Alert> out = new ArrayList<>(alerts.size());
        for (int i = 0; i < alerts.size(); i++) {
            Alert a = alerts.get(i);
            String at = "alerts[" + i + "]";
            if (a == null) {
                throw new InvalidSampleException(at, "must be an object");
            }
            if (!"firing".equals(a.status()) && !"resolved".equals(a.status())) {
                throw new InvalidSampleException(at + ".status", "must be firing or resolved, got "
                        + (a.status() == null ? "nothing" : "'" + a.status() + "'"));
            }
            Map<String, String> labels = a.labels() == null ? Map.of() : a.labels();
            String name = labels.get("alertname");
            if (name == null || name.isBlank()) {
                throw new InvalidSampleException(at + ".labels.alertname", "an alertname label is required");
            }
            String fingerprint = a.fingerprint() != null && !a.fingerprint().isBlank()
                    ? a.fingerprint()
                    : new TreeMap<>(labels).toString();
            Instant ends = a.endsAt() == null || a.endsAt().isBefore(Instant.EPOCH.plusSeconds(1)) ? null : a.endsAt();
            out.add(new AlertBook.Alert(fingerprint, name, labels.get(serviceLabel), labels.get(environmentLabel),
                    labels.get("severity"), "firing".equals(a.status()), ends));
        }
        return out;
    }
}
