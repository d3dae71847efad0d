package dev.avalo.health.gate;

import java.util.List;

/**
 * What the alert source says about one service: whether a source is configured at all, whether it is heard from (a configured
 * heartbeat alert keeps arriving), and the names of the critical alerts firing now.
 */
public record AlertView(boolean configured, boolean online, List<String> firingCritical) {

    public AlertView {
        firingCritical = List.copyOf(firingCritical);
    }

    /** A configured, online source. */
    public AlertView(boolean configured, List<String> firingCritical) {
        this(configured, configured, firingCritical);
    }

    /** No alert source configured: the "no critical alerts" gate cannot pass. */
    public static AlertView unconfigured() {
        return new AlertView(false, false, List.of());
    }
}
