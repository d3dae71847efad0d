package dev.avalo.orchestrator.dashboard;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.HdrHistogram.Histogram;

import com.fasterxml.jackson.databind.JsonNode;

import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.quarkus.logging.Log;

import dev.avalo.contracts.Json;
import dev.avalo.contracts.health.HealthReport;
import dev.avalo.contracts.metrics.RouterMetricsSample;
import dev.avalo.orchestrator.nats.NatsClient;

/**
 * What the browser dashboard shows live: every deployment event, health report and router metrics sample of every service,
 * heard on NATS by every replica (a plain subscription, not the handlers' queue group, so whichever replica a browser is
 * connected to sees everything), turned into small JSON messages for the server-sent-event stream, plus the last ten minutes of
 * health scores and per-revision error rate and p95 latency per service for a page that opens mid-canary ({@link #history}).
 * Memory is bounded: 600 points per series, 256 services.
 */
@ApplicationScoped
public class DashboardHub {

    static final int POINTS = 600;
    static final int SERVICES = 256;

    /** One health point. */
    public record HealthPoint(Instant at, Double score, String verdict) {
    }

    /** One second of one revision at the routers (summed over routers; p95 the largest router's). */
    public record TrafficPoint(Instant at, String revision, String role, long requests, long errors, Double p95Ms) {
    }

    /** The history of one service in one environment. */
    public record History(List<HealthPoint> health, List<TrafficPoint> traffic) {
    }

    private static final class Series {
        final ArrayDeque<HealthPoint> health = new ArrayDeque<>();
        final Map<String, TrafficPoint> open = new LinkedHashMap<>();
        final ArrayDeque<TrafficPoint> traffic = new ArrayDeque<>();
    }

    private final NatsClient nats;
    private final java.time.Clock clock;
    private final Map<String, Series> series = new ConcurrentHashMap<>();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private Dispatcher dispatcher;

    public DashboardHub(NatsClient nats, java.time.Clock clock) {
        this.nats = nats;
        this.clock = clock;
    }

    /** Subscribes (called at start, after the connection is up). */
    public void start() {
        dispatcher = nats.connection().createDispatcher();
        var s = nats.subjects();
        dispatcher.subscribe(s.deploymentEvents(), this::deploymentEvent);
        dispatcher.subscribe(s.healthAll(), this::health);
        dispatcher.subscribe(s.prefix() + ".metrics.*.*", this::metrics);
    }

    /** Adds a listener of stream messages (JSON text); returns how to remove it. */
    public Runnable listen(Consumer<String> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    public int listeners() {
        return listeners.size();
    }

    /** The kept history of a service in an environment (empty when none). */
    public History history(String service, String environment) {
        Series s = series.get(service + "." + environment);
        if (s == null) {
            return new History(List.of(), List.of());
        }
        synchronized (s) {
            return new History(List.copyOf(s.health), List.copyOf(s.traffic));
        }
    }

    private Series series(String service, String environment) {
        String key = service + "." + environment;
        Series s = series.get(key);
        if (s == null && series.size() >= SERVICES) {
            // make room: drop services without a health report for 15 minutes (their canaries are over)
            Instant cutoff = clock.instant().minusSeconds(900);
            series.values().removeIf(old -> {
                synchronized (old) {
                    return old.health.isEmpty() || old.health.peekLast().at().isBefore(cutoff);
                }
            });
            if (series.size() >= SERVICES) {
                return null;
            }
        }
        return series.computeIfAbsent(key, k -> new Series());
    }

    private void publish(Map<String, Object> message) {
        if (listeners.isEmpty()) {
            return;
        }
        String json = new String(Json.encode(message), StandardCharsets.UTF_8);
        for (Consumer<String> l : listeners) {
            try {
                l.accept(json);
            } catch (RuntimeException e) {
                Log.debugf("dashboard listener failed: %s", e.getMessage());
            }
        }
    }

    void deploymentEvent(Message m) {
        try {
            JsonNode event = Json.mapper().readTree(m.getData());
            JsonNode data = event.path("data");
            JsonNode deployment = data.path("deployment");
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("kind", "deployment");
            out.put("type", event.path("type").asText());
            out.put("time", event.path("time").asText());
            out.put("deployment", deployment.isMissingNode() ? data : deployment);
            out.put("cause", data.path("cause"));
            publish(out);
        } catch (Exception e) {
            Log.debugf("dashboard: unreadable deployment event on %s: %s", m.getSubject(), e.getMessage());
        }
    }

    void health(Message m) {
        try {
            HealthReport r = Json.decode(m.getData(), HealthReport.class);
            if (r.service() == null || r.environment() == null || r.at() == null) {
                return;
            }
            Series s = series(r.service(), r.environment());
            if (s != null) {
                synchronized (s) {
                    s.health.addLast(new HealthPoint(r.at(), r.score(), r.verdict() == null ? null : r.verdict().name()));
                    while (s.health.size() > POINTS) {
                        s.health.removeFirst();
                    }
                }
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("kind", "health");
            out.put("report", r);
            publish(out);
        } catch (RuntimeException e) {
            Log.debugf("dashboard: unreadable health report on %s: %s", m.getSubject(), e.getMessage());
        }
    }

    void metrics(Message m) {
        try {
            RouterMetricsSample sample = Json.decode(m.getData(), RouterMetricsSample.class);
            if (sample.service() == null || sample.environment() == null || sample.windowStart() == null) {
                return;
            }
            // Only services the health-scorer reports on (live canaries) are kept: every router sends a sample per service
            // and revision every second, and decoding all of them would cost the orchestrator in a large fleet.
            Series s = series.get(sample.service() + "." + sample.environment());
            if (s == null) {
                return;
            }
            TrafficPoint current = new TrafficPoint(sample.windowStart(), sample.revision(), sample.role(),
                    sample.requests(), sample.errors(), p95(sample.latency()));
            synchronized (s) {
                String key = sample.windowStart() + "|" + sample.revision();
                TrafficPoint before = s.open.get(key);
                TrafficPoint point = before == null
                        ? current
                        : new TrafficPoint(before.at(), before.revision(), before.role(),
                                before.requests() + current.requests(), before.errors() + current.errors(),
                                max(before.p95Ms(), current.p95Ms()));
                s.open.put(key, point);
                // seconds older than the newest by more than 2 s are complete: move them to the kept series
                Instant complete = sample.windowStart().minusSeconds(2);
                s.open.values().removeIf(p -> p.at().isBefore(complete) && s.traffic.add(p));
                while (s.traffic.size() > POINTS * 4) {
                    s.traffic.removeFirst();
                }
            }
            if (!listeners.isEmpty()) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("kind", "traffic");
                out.put("service", sample.service());
                out.put("environment", sample.environment());
                out.put("point", current);
                publish(out);
            }
        } catch (RuntimeException e) {
            Log.debugf("dashboard: unreadable metrics sample on %s: %s", m.getSubject(), e.getMessage());
        }
    }

    private static Double max(Double a, Double b) {
        return a == null ? b : b == null ? a : Math.max(a, b);
    }

    /** The p95 in ms of an encoded (base64, compressed) HdrHistogram of microseconds; null when empty or unreadable. */
    static Double p95(String latency) {
        if (latency == null || latency.isEmpty()) {
            return null;
        }
        try {
            Histogram h = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(latency)),
                    0);
            return h.getTotalCount() == 0 ? null : h.getValueAtPercentile(95) / 1000.0;
        } catch (Exception e) {
            return null;
        }
    }
}
