package dev.avalo.health.window;

import java.util.Locale;

/** How a pushed metric's values combine: counters are increments within their second, gauges the value at a moment. */
public enum MetricKind {
    /** Increments within the sample's second; summed. */
    COUNTER,
    /** The value at {@code at}; averaged within a second, carried forward for a while when no newer value arrives. */
    GAUGE;

    /** Parses the wire name {@code counter} or {@code gauge}. */
    public static MetricKind parse(String wire) {
        if (wire == null) {
            throw new IllegalArgumentException("kind is required: gauge or counter");
        }
        return switch (wire.toLowerCase(Locale.ROOT)) {
            case "counter" -> COUNTER;
            case "gauge" -> GAUGE;
            default -> throw new IllegalArgumentException("kind must be gauge or counter, got '" + wire + "'");
        };
    }
}
