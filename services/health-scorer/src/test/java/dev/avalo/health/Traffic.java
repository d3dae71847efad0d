package dev.avalo.health;

import org.HdrHistogram.Histogram;

import dev.avalo.health.window.Histograms;
import dev.avalo.health.window.MetricKind;
import dev.avalo.health.window.ServiceWindows;

/** Deterministic synthetic traffic for domain tests: seconds of router figures and pushed metrics. */
public final class Traffic {

    /** An epoch second to start scenarios at (a round minute). */
    public static final long T0 = 1_800_000_000L;

    private Traffic() {
    }

    /**
     * One router's second for {@code revision}: {@code requests} requests of which {@code errors} failed (all 5xx), latencies
     * cycling through {@code latenciesMs}.
     */
    public static void second(ServiceWindows w, String revision, long t, long requests, long errors, long... latenciesMs) {
        Histogram h = Histograms.create();
        for (long i = 0; i < requests; i++) {
            h.recordValue(latenciesMs[(int) (i % latenciesMs.length)] * 1000);
        }
        w.revision(revision).addRouter(t, requests, errors, errors, h, requests / 4, (requests + 1) / 2);
    }

    /** Seconds {@code [from, to)} of steady traffic. */
    public static void seconds(ServiceWindows w, String revision, long from, long to, long requests, long errors,
            long... latenciesMs) {
        for (long t = from; t < to; t++) {
            second(w, revision, t, requests, errors, latenciesMs);
        }
    }

    /** A pushed metric value in each second of {@code [from, to)}. */
    public static void pushed(ServiceWindows w, String revision, String name, MetricKind kind, long from, long to,
            double value) {
        for (long t = from; t < to; t++) {
            w.revision(revision).addCustom(t, name, kind, value);
        }
    }
}
