package dev.avalo.health.rule;

import java.time.Duration;

import dev.avalo.health.window.MetricCatalog.Metric;

/** A parsed rule expression: what to compare, against what, over which time. */
public sealed interface Condition {

    /** The metric the condition reads. */
    Metric metric();

    /** The longest stretch of history the condition needs. */
    Duration lookback();

    /**
     * {@code metric op value [for duration]}: sustained when {@code sustained} is set (the condition held over the whole
     * duration), otherwise judged on the latest value (gauges) or the last minute (rates, quantiles, counters).
     */
    record Threshold(Metric metric, Comparator op, double value, Duration sustained) implements Condition {
        @Override
        public Duration lookback() {
            return sustained == null ? Duration.ofMinutes(1) : sustained;
        }
    }

    /** {@code metric op value in window}: a counter's sum over the trailing window. */
    record CountInWindow(Metric metric, Comparator op, double value, Duration window) implements Condition {
        @Override
        public Duration lookback() {
            return window;
        }
    }

    /** {@code metric increase|drop op percent% vs stable|baseline [over window]}. */
    record Relative(Metric metric, Direction direction, Comparator op, double percent, Reference reference,
            Duration over) implements Condition {
        @Override
        public Duration lookback() {
            return over;
        }
    }

    /** Which way a relative change counts. */
    enum Direction {
        INCREASE,
        DROP
    }

    /** What a relative rule compares the canary with. */
    enum Reference {
        /** The stable revision over the same seconds. */
        STABLE,
        /** The stable's figures just before the deployment started. */
        BASELINE
    }
}
