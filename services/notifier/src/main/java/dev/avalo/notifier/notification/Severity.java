package dev.avalo.notifier.notification;

import java.util.Locale;

/** How urgent a notification is, least to most; routing and per-channel minimums compare them. */
public enum Severity {
    /** Routine progress: created, stage passed, succeeded. */
    INFO,
    /** Needs attention soon: paused, approval required, freeze started, no health data. */
    WARNING,
    /** Someone must act now: rollback started, rolled back, failed, emergency stop. */
    CRITICAL;

    public boolean atLeast(Severity other) {
        return compareTo(other) >= 0;
    }

    /** Parses {@code info}, {@code warning} or {@code critical} (any case). */
    public static Severity parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("unknown severity '" + text + "' (info, warning or critical)");
        }
    }

    public String lower() {
        return name().toLowerCase(Locale.ROOT);
    }
}
