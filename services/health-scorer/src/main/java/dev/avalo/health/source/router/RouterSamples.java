package dev.avalo.health.source.router;

import org.HdrHistogram.Histogram;

import dev.avalo.contracts.DnsLabel;
import dev.avalo.contracts.metrics.RouterMetricsSample;
import dev.avalo.health.source.InvalidSampleException;
import dev.avalo.health.window.Histograms;

/** Validates a router metrics sample and decodes its latency histogram. */
public final class RouterSamples {

    private RouterSamples() {
    }

    /** A validated sample with its histogram (null when it had none). */
    public record Valid(RouterMetricsSample sample, Histogram latency, long s5xx) {
    }

    public static Valid validate(RouterMetricsSample s) {
        if (s == null) {
            throw new InvalidSampleException("body", "a sample is required");
        }
        DnsLabel.require("service", s.service());
        DnsLabel.require("environment", s.environment());
        if (s.revision() == null || s.revision().isBlank()) {
            throw new InvalidSampleException("revision", "a revision is required");
        }
        if (s.windowStart() == null) {
            throw new InvalidSampleException("windowStart", "a window start is required");
        }
        if (s.requests() < 0 || s.errors() < 0 || s.errors() > s.requests()) {
            throw new InvalidSampleException("errors", "need 0 <= errors <= requests, got errors=" + s.errors()
                    + ", requests=" + s.requests());
        }
        Histogram h;
        try {
            h = Histograms.decode(s.latency());
        } catch (IllegalArgumentException e) {
            throw new InvalidSampleException("latency", e.getMessage());
        }
        long s5xx = s.status() == null ? s.errors() : Math.min(s.requests(), Math.max(0, s.status().s5xx()));
        return new Valid(s, h, s5xx);
    }
}
