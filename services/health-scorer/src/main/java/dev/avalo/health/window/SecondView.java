package dev.avalo.health.window;

/** Read-only view of one revision's second, for per-second scans that must not copy histograms. */
public interface SecondView {

    long epochSecond();

    /** True when at least one router reported this second. */
    boolean hasRouterData();

    long requests();

    long errors();

    long http5xx();

    /** Routers' in-flight connections, summed. */
    long connections();

    /** Routers' distinct users, summed. */
    long users();

    /** Timed requests slower than {@code micros}. */
    long countAbove(long micros);

    /** Timed requests. */
    long timed();

    /** A counter by canonical name (router or pushed); 0 when absent. */
    double count(String name);

    /** True when the pushed metric {@code name} arrived in this second. */
    boolean hasCustom(String name);
}
