package dev.avalo.health.source.prometheus;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import dev.avalo.contracts.Json;
import dev.avalo.health.source.MetricsSource;
import dev.avalo.health.source.custom.CustomMetrics;
import dev.avalo.health.verdict.LiveCanary;
import dev.avalo.health.window.MetricCatalog;
import dev.avalo.health.window.MetricKind;

/**
 * Polls Prometheus: for each live canary, for its canary and stable revision, every configured query (a canonical metric name →
 * PromQL with {@code {service}}, {@code {environment}} and {@code {revision}} placeholders) is run as an instant query and its
 * value fed into the windows like a pushed metric. Gauge queries return the level; counter queries must return the increase
 * since the previous poll (e.g. {@code increase(payment_failures_total[5s])} polled every 5 s). A query must return one series
 * or a scalar; several series are summed. Online while the last poll succeeded.
 */
public final class PrometheusSource implements MetricsSource {

    /** Revisions that can be put into a PromQL string literal without escaping. */
    private static final Pattern SAFE_REVISION = Pattern.compile("[A-Za-z0-9._:-]{1,253}");

    /** Where values go. */
    public interface Sink {
        void accept(String service, String environment, CustomMetrics.Valid value);
    }

    private final URI base;
    private final Map<String, String> queries;
    private final Duration timeout;
    private final HttpClient http;
    private volatile boolean online;
    private volatile String lastError;

    /**
     * @throws IllegalArgumentException
     *             when a query names a metric that cannot be fed (unknown, or a derived rate)
     */
    public PrometheusSource(URI base, Map<String, String> queries, Duration timeout) {
        for (String metric : queries.keySet()) {
            if (!MetricCatalog.isPushable(metric)) {
                throw new IllegalArgumentException("avalo.health.prometheus.queries." + metric
                        + ": not a metric Prometheus can feed; use a canonical pushed metric name");
            }
        }
        this.base = base;
        this.queries = Map.copyOf(queries);
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public String type() {
        return "prometheus";
    }

    @Override
    public boolean online() {
        return online;
    }

    /** Why the last poll failed, or null. */
    public String lastError() {
        return lastError;
    }

    /** One poll at {@code now} for every canary; returns how many values were fed. */
    public int poll(List<LiveCanary> canaries, Instant now, Sink sink) {
        int fed = 0;
        boolean ok = true;
        for (LiveCanary c : canaries) {
            List<String> revisions = new ArrayList<>();
            revisions.add(c.canaryRevision());
            if (c.stableRevision() != null) {
                revisions.add(c.stableRevision());
            }
            for (String revision : revisions) {
                if (!SAFE_REVISION.matcher(revision).matches()) {
                    continue;
                }
                for (Map.Entry<String, String> q : queries.entrySet()) {
                    String promql = q.getValue().replace("{service}", c.service())
                            .replace("{environment}", c.environment()).replace("{revision}", revision);
                    try {
                        Double value = query(promql, now);
                        if (value != null && Double.isFinite(value)) {
                            MetricKind kind = MetricCatalog.find(q.getKey()).orElseThrow().pushedKind();
                            double v = kind == MetricKind.COUNTER ? Math.max(0, value) : value;
                            sink.accept(c.service(), c.environment(),
                                    new CustomMetrics.Valid(revision, q.getKey(), kind, v, now));
                            fed++;
                        }
                    } catch (IOException | RuntimeException e) {
                        ok = false;
                        lastError = q.getKey() + ": " + e.getMessage();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return fed;
                    }
                }
            }
        }
        online = ok;
        if (ok) {
            lastError = null;
        }
        return fed;
    }

    /** Runs an instant query; null when it returned no series. */
    Double query(String promql, Instant at) throws IOException, InterruptedException {
        String url = base.toString().replaceAll("/$", "") + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8) + "&time=" + at.getEpochSecond();
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        JsonNode body;
        try {
            body = Json.mapper().readTree(response.body());
        } catch (IOException e) {
            throw new IOException("HTTP " + response.statusCode() + " with a body that is not JSON");
        }
        if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
            throw new IOException("HTTP " + response.statusCode() + ": " + body.path("error").asText("no error text"));
        }
        JsonNode data = body.path("data");
        String type = data.path("resultType").asText();
        JsonNode result = data.path("result");
        return switch (type) {
            case "scalar" -> parse(result.get(1));
            case "vector" -> {
                if (result.isEmpty()) {
                    yield null;
                }
                double sum = 0;
                for (JsonNode series : result) {
                    sum += parse(series.path("value").get(1));
                }
                yield sum;
            }
            default -> throw new IOException("unsupported result type '" + type + "' (use an instant vector or scalar)");
        };
    }

    private static double parse(JsonNode value) throws IOException {
        if (value == null || !value.isTextual()) {
            throw new IOException("sample value missing");
        }
        return switch (value.asText()) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(value.asText());
        };
    }
}
