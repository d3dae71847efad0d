package dev.avalo.health.score;

import java.util.List;

/** The five score components, by their report keys (DESIGN §4). */
public final class Components {

    public static final String ERROR_RATE = "errorRate";
    public static final String LATENCY = "latency";
    public static final String THROUGHPUT = "throughput";
    public static final String RESOURCE = "resource";
    public static final String USER_IMPACT = "userImpact";

    /** In the document's order. */
    public static final List<String> ALL = List.of(ERROR_RATE, LATENCY, THROUGHPUT, RESOURCE, USER_IMPACT);

    private Components() {
    }
}
