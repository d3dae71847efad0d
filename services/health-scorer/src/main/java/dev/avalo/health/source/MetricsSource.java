package dev.avalo.health.source;

/**
 * Where numbers come from (router samples, pushed metrics, Alertmanager, Prometheus), apart from what the rules ask of them. A
 * source says whether it is online, so that "no data" can be told from "source down".
 */
public interface MetricsSource {

    /** The provider id, e.g. {@code router}, {@code custom}, {@code alertmanager}. */
    String type();

    /** True while the source can deliver (subscribed, reachable). */
    boolean online();
}
