package dev.avalo.health.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The health-scorer's settings ({@code avalo.health.*}). */
@ConfigMapping(prefix = "avalo.health")
public interface HealthConfig {

    /** JetStream KV bucket holding the per-service rule overrides. */
    @WithDefault("avalo-health-rules")
    String rulesBucket();

    /** How often rules are checked ({@code off} in tests, which tick by hand). */
    @WithDefault("1s")
    String tickEvery();

    /** How often a live canary's health report is published (a new breach publishes at once). */
    @WithDefault("5s")
    Duration reportInterval();

    /** History kept per revision; at least the longest rule (10 minutes) plus the settle time. */
    @WithDefault("11m")
    Duration retention();

    /** How much of the stable revision before a deployment started forms its baseline. */
    @WithDefault("5m")
    Duration baselineWindow();

    /** The trailing window the health score is computed over. */
    @WithDefault("5m")
    Duration scoreWindow();

    /** Below this many canary requests in the score window the score covers the whole stage so far. */
    @WithDefault("400")
    long scoreMinRequests();

    /** Seconds before now that are not yet complete (router samples arrive after their second ends). */
    @WithDefault("2s")
    Duration settle();

    /** Largest clock skew accepted for a pushed metric's {@code at}. */
    @WithDefault("30s")
    Duration maxSkew();

    /** Rule evaluation. */
    Rules rules();

    /** The health score. */
    Score score();

    /** Stage gates. */
    GatesConfig gates();

    /** Alert source. */
    Alerts alerts();

    /** The Prometheus source. */
    Prometheus prometheus();

    /** Rule evaluation settings. */
    interface Rules {
        /**
         * Two-sided confidence of the Wilson interval a rule's breach is judged with (rates, quantiles) and the score's
         * ROLLBACK/PAUSE bands. Stricter than the gates' by default (99.8 %, i.e. 99.9 % one-sided): rules are looked at every
         * second over overlapping windows for every canary, so a 95 % bound would roll back healthy low-traffic canaries by
         * chance.
         */
        @WithDefault("0.998")
        double confidence();

        /** Two-sided confidence that shows a slice of a sustained rule's duration was within the threshold. */
        @WithDefault("0.95")
        double sliceConfidence();

        /** Slice length a sustained rule checks for a contradiction. */
        @WithDefault("2s")
        Duration resolution();

        /** How long a gauge value stands for the seconds after it. */
        @WithDefault("60s")
        Duration gaugeStale();

        /** Window of a rate, quantile or counter rule without {@code for}/{@code in}. */
        @WithDefault("60s")
        Duration instantWindow();

        /** Window of a relative rule without {@code over}. */
        @WithDefault("5m")
        Duration relativeWindow();

        /** Requests the stable needs before a "vs stable" comparison is made. */
        @WithDefault("100")
        long minReferenceRequests();
    }

    /** Weights, anchors and bands of the score. */
    interface Score {
        /** Weight of the error-rate component. */
        @WithDefault("0.30")
        double weightErrorRate();

        /** Weight of the latency component. */
        @WithDefault("0.25")
        double weightLatency();

        /** Weight of the throughput component. */
        @WithDefault("0.20")
        double weightThroughput();

        /** Weight of the resource component. */
        @WithDefault("0.15")
        double weightResource();

        /** Weight of the user-impact component. */
        @WithDefault("0.10")
        double weightUserImpact();

        /** Error rate (percent) that scores 0. */
        @WithDefault("2")
        double errorRateZeroAt();

        /** P95 (ms) that scores 100. */
        @WithDefault("500")
        double latencyGoodMs();

        /** P95 (ms) that scores 0. */
        @WithDefault("1200")
        double latencyZeroMs();

        /** Lowest score of the PROCEED band. */
        @WithDefault("90")
        double proceedAt();

        /** Lowest score of the CONTINUE band. */
        @WithDefault("80")
        double continueAt();

        /** Lowest score of the PAUSE band; below it, ROLLBACK. */
        @WithDefault("70")
        double pauseAt();
    }

    /** Gate thresholds and the stage table. */
    interface GatesConfig {
        /** Two-sided confidence of the Wilson interval a gate's PASS or FAIL needs. */
        @WithDefault("0.95")
        double confidence();

        /** "Within baseline": how much worse than the stable the canary may be, percent. */
        @WithDefault("20")
        double baselineTolerancePercent();

        /** Payment failure rate that must be confidently undershot, percent. */
        @WithDefault("1")
        double paymentFailurePercent();

        /** A/B: the largest acceptable probability that a canary request is slower than a stable one. */
        @WithDefault("0.56")
        double abLatencyEffect();

        /** A/B: the largest acceptable error-rate excess, percentage points. */
        @WithDefault("1")
        double abErrorMarginPercent();

        /** Overrides of the stage → gates table, keyed {@code "<environment>.<stage>"}. */
        Map<String, List<String>> stages();
    }

    /** Prometheus polling; off while {@code url} is unset. */
    interface Prometheus {
        /** Base URL, e.g. {@code http://prometheus:9090}; unset: the source is off (a no-op). */
        java.util.Optional<java.net.URI> url();

        /** How often to poll ({@code off} in tests, which poll by hand). */
        @WithDefault("5s")
        String every();

        /** Per-query timeout. */
        @WithDefault("2s")
        Duration timeout();

        /** Canonical metric name → PromQL with {@code {service}}, {@code {environment}}, {@code {revision}}. */
        Map<String, String> queries();
    }

    /** Where critical alerts come from. */
    interface Alerts {
        /** {@code alertmanager} (webhook at {@code POST /api/v1/alerts}) or {@code none}; anything else fails the start. */
        @WithDefault("alertmanager")
        String source();

        /**
         * An always-firing alert (e.g. {@code Watchdog}) whose arrival shows Alertmanager is wired up; while it is missing for
         * longer than {@code heartbeat-max-age} the "no critical alerts" gate is UNKNOWN. Unset: no heartbeat is required.
         */
        java.util.Optional<String> heartbeat();

        /** How long the source counts as online after the last heartbeat (above Alertmanager's repeat interval). */
        @WithDefault("15m")
        Duration heartbeatMaxAge();
    }
}
