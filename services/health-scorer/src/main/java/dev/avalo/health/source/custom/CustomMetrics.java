package dev.avalo.health.source.custom;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.avalo.contracts.DnsLabel;
import dev.avalo.contracts.metrics.CustomMetric;
import dev.avalo.contracts.metrics.MetricsBatch;
import dev.avalo.health.source.InvalidSampleException;
import dev.avalo.health.window.MetricCatalog;
import dev.avalo.health.window.MetricKind;

/**
 * Validates pushed business metrics (DESIGN §4 {@code avalo.metrics.custom.*} and {@code POST /api/v1/metrics}): a known
 * canonical name, the kind that name has, a finite value (counters not negative), a revision and a time not in the future
 * beyond the allowed clock skew.
 */
public final class CustomMetrics {

    private final Duration maxSkew;

    public CustomMetrics(Duration maxSkew) {
        this.maxSkew = maxSkew;
    }

    /** A validated sample. */
    public record Valid(String revision, String name, MetricKind kind, double value, Instant at) {
    }

    /** Validates a batch; field names are {@code samples[i].name} etc. */
    public List<Valid> validate(MetricsBatch batch, Instant now) {
        if (batch == null) {
            throw new InvalidSampleException("body", "a JSON body is required");
        }
        if (!DnsLabel.isValid(batch.service())) {
            throw new DnsLabel.InvalidNameException("service", batch.service());
        }
        if (!DnsLabel.isValid(batch.environment())) {
            throw new DnsLabel.InvalidNameException("environment", batch.environment());
        }
        if (batch.samples() == null || batch.samples().isEmpty()) {
            throw new InvalidSampleException("samples", "at least one sample is required");
        }
        if (batch.samples().size() > 10_000) {
            throw new InvalidSampleException("samples", "at most 10000 samples per batch");
        }
        List<CustomMetric> samples = batch.samples();
        java.util.ArrayList<Valid> out = new java.util.ArrayList<>(samples.size());
        for (int i = 0; i < samples.size(); i++) {
            out.add(validate(samples.get(i), "samples[" + i + "].", now));
        }
        return out;
    }

    /** Validates one sample; {@code prefix} is prepended to field names. */
    public Valid validate(CustomMetric m, String prefix, Instant now) {
        if (m == null) {
            throw new InvalidSampleException(prefix.isEmpty() ? "body" : prefix.substring(0, prefix.length() - 1),
                    "a sample object is required");
        }
        if (m.revision() == null || m.revision().isBlank() || m.revision().length() > 253) {
            throw new InvalidSampleException(prefix + "revision", "a revision (1–253 characters) is required");
        }
        if (m.name() == null || !MetricCatalog.isPushable(m.name())) {
            throw new InvalidSampleException(prefix + "name", "unknown metric " + (m.name() == null
                    ? "(none)"
                    : "'"
                            + m.name() + "'")
                    + "; pushed metrics are " + String.join(", ", MetricCatalog.all().stream()
                            .filter(x -> MetricCatalog.isPushable(x.name())).map(MetricCatalog.Metric::name).toList()));
        }
        MetricKind kind;
        try {
            kind = MetricKind.parse(m.kind());
        } catch (IllegalArgumentException e) {
            throw new InvalidSampleException(prefix + "kind", e.getMessage());
        }
        MetricKind expected = MetricCatalog.find(m.name()).orElseThrow().pushedKind();
        if (kind != expected) {
            throw new InvalidSampleException(prefix + "kind", m.name() + " is a " + expected.name().toLowerCase()
                    + ", not a " + kind.name().toLowerCase());
        }
        if (!Double.isFinite(m.value()) || (kind == MetricKind.COUNTER && m.value() < 0)) {
            throw new InvalidSampleException(prefix + "value", kind == MetricKind.COUNTER
                    ? "a counter increment must be a finite number >= 0"
                    : "must be a finite number");
        }
        if (m.at() == null) {
            throw new InvalidSampleException(prefix + "at", "a timestamp is required");
        }
        if (m.at().isAfter(now.plus(maxSkew))) {
            throw new InvalidSampleException(prefix + "at", "is more than " + maxSkew.toSeconds() + " s in the future");
        }
        return new Valid(m.revision(), m.name(), kind, m.value(), m.at());
    }
}
