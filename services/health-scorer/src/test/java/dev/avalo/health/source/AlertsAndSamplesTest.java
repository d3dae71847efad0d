package dev.avalo.health.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.avalo.contracts.Json;
import dev.avalo.contracts.metrics.CustomMetric;
import dev.avalo.contracts.metrics.MetricsBatch;
import dev.avalo.health.source.alertmanager.AlertBook;
import dev.avalo.health.source.alertmanager.AlertmanagerWebhook;
import dev.avalo.health.source.custom.CustomMetrics;

class AlertsAndSamplesTest {

    /** A real Alertmanager v0.27 webhook body (firing alert with the zero end time, resolved one with an end). */
    private static final String WEBHOOK = """
            {"receiver":"avalo","status":"firing","alerts":[
              {"status":"firing","labels":{"alertname":"HighErrorRate","service":"chat-api","environment":"production","severity":"critical"},
               "annotations":{"summary":"5xx above 5%"},"startsAt":"2026-11-28T10:00:00.000Z","endsAt":"0001-01-01T00:00:00Z",
               "generatorURL":"http://prometheus:9090/graph?g0.expr=x","fingerprint":"4b0e2a5c1d3f6a7b"},
              {"status":"resolved","labels":{"alertname":"DiskFilling","service":"chat-api","severity":"critical"},
               "annotations":{},"startsAt":"2026-11-28T09:00:00Z","endsAt":"2026-11-28T09:30:00Z","generatorURL":"","fingerprint":"9a8b7c"},
              {"status":"firing","labels":{"alertname":"SlowQueries","service":"chat-api","severity":"warning"},
               "annotations":{},"startsAt":"2026-11-28T10:00:00Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"77"}],
             "groupLabels":{"alertname":"HighErrorRate"},"commonLabels":{},"commonAnnotations":{},
             "externalURL":"http://alertmanager:9093","version":"4","groupKey":"{}:{alertname=\\"HighErrorRate\\"}","truncatedAlerts":0}
            """;

    @Test
    void alertmanagerWebhookFiringCriticalAlertsCountUntilResolved() {
        AlertmanagerWebhook body = Json.decode(WEBHOOK.getBytes(StandardCharsets.UTF_8), AlertmanagerWebhook.class);
        AlertBook book = new AlertBook(true);
        body.toAlerts("service", "environment").forEach(book::record);
        Instant now = Instant.parse("2026-11-28T10:05:00Z");
        assertThat(book.view("chat-api", "production", now).firingCritical()).containsExactly("HighErrorRate");
        assertThat(book.view("chat-api", "staging", now).firingCritical()).isEmpty();
        assertThat(book.view("other", "production", now).firingCritical()).isEmpty();

        String resolved = WEBHOOK.replace("\"status\":\"firing\",\"labels\":{\"alertname\":\"HighErrorRate\"",
                "\"status\":\"resolved\",\"labels\":{\"alertname\":\"HighErrorRate\"");
        Json.decode(resolved.getBytes(StandardCharsets.UTF_8), AlertmanagerWebhook.class)
                .toAlerts("service", "environment").forEach(book::record);
        assertThat(book.view("chat-api", "production", now).firingCritical()).isEmpty();
        assertThat(new AlertBook(false).view("chat-api", "production", now).configured()).isFalse();
    }

    @Test
    void withAHeartbeatAlertSilenceMeansTheSourceIsDownNotThatNothingFires() {
        dev.avalo.testing.MutableClock clock = dev.avalo.testing.MutableClock.of(Instant.parse("2026-11-28T10:00:00Z"));
        AlertBook book = new AlertBook(true, "Watchdog", Duration.ofMinutes(15), clock);
        assertThat(book.online()).isFalse();
        assertThat(book.view("chat-api", "production", clock.instant()).online()).isFalse();
        book.record(new AlertBook.Alert("w", "Watchdog", null, null, "none", true, null));
        assertThat(book.online()).isTrue();
        assertThat(book.view("chat-api", "production", clock.instant()).firingCritical()).isEmpty();
        clock.advance(Duration.ofMinutes(16));
        assertThat(book.online()).isFalse();
        assertThat(book.type()).isEqualTo("alertmanager");
        assertThat(new AlertBook(true).online()).as("no heartbeat configured").isTrue();
    }

    @Test
    void webhookAlertsAreValidated() {
        AlertmanagerWebhook bad = new AlertmanagerWebhook("4", "firing", "x",
                List.of(new AlertmanagerWebhook.Alert("pending", java.util.Map.of("alertname", "A"), null, null, null,
                        "f")));
        assertThatThrownBy(() -> bad.toAlerts("service", "environment"))
                .isInstanceOfSatisfying(InvalidSampleException.class,
                        e -> assertThat(e.field()).isEqualTo("alerts[0].status"));
        AlertmanagerWebhook nameless = new AlertmanagerWebhook("4", "firing", "x",
                List.of(new AlertmanagerWebhook.Alert("firing", java.util.Map.of(), null, null, null, "f")));
        assertThatThrownBy(() -> nameless.toAlerts("service", "environment"))
                .isInstanceOfSatisfying(InvalidSampleException.class,
                        e -> assertThat(e.field()).isEqualTo("alerts[0].labels.alertname"));
    }

    @Test
    void pushedMetricsAreValidatedFieldByField() {
        CustomMetrics v = new CustomMetrics(Duration.ofSeconds(30));
        Instant now = Instant.parse("2026-11-28T10:00:00Z");
        CustomMetric ok = new CustomMetric("v2", "payment_failures", 1, "counter", now);
        assertThat(v.validate(new MetricsBatch("chat-api", "production", List.of(ok)), now)).hasSize(1);
        assertField(v, new CustomMetric("v2", "payment_failures", -1, "counter", now), "samples[1].value");
        assertField(v, new CustomMetric("v2", "payment_failures", 1, "gauge", now), "samples[1].kind");
        assertField(v, new CustomMetric("v2", "payment_failures", 1, "histogram", now), "samples[1].kind");
        assertField(v, new CustomMetric("v2", "error_rate", 1, "gauge", now), "samples[1].name");
        assertField(v, new CustomMetric("v2", "critical_alerts", 1, "gauge", now), "samples[1].name");
        assertField(v, new CustomMetric("", "cpu_percent", 1, "gauge", now), "samples[1].revision");
        assertField(v, new CustomMetric("v2", "cpu_percent", Double.NaN, "gauge", now), "samples[1].value");
        assertField(v, new CustomMetric("v2", "cpu_percent", 1, "gauge", null), "samples[1].at");
        assertField(v, new CustomMetric("v2", "cpu_percent", 1, "gauge", now.plusSeconds(60)), "samples[1].at");
        assertThatThrownBy(() -> v.validate(new MetricsBatch("chat-api", "production", List.of()), now))
                .isInstanceOfSatisfying(InvalidSampleException.class, e -> assertThat(e.field()).isEqualTo("samples"));
    }

    private static void assertField(CustomMetrics v, CustomMetric bad, String field) {
        Instant now = Instant.parse("2026-11-28T10:00:00Z");
        CustomMetric ok = new CustomMetric("v2", "cpu_percent", 1, "gauge", now);
        assertThatThrownBy(() -> v.validate(new MetricsBatch("chat-api", "production", List.of(ok, bad)), now))
                .isInstanceOfSatisfying(InvalidSampleException.class, e -> assertThat(e.field()).isEqualTo(field));
    }
}
