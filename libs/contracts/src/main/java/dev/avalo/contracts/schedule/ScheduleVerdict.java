package dev.avalo.contracts.schedule;

/** The scheduler's answer. */
public enum ScheduleVerdict {
    /** Inside the preferred window (Tuesday–Thursday, 10:00–14:00 PT). */
    PREFERRED,
    /** Allowed, outside the preferred window. */
    ALLOWED,
    /** Blocked by an avoid rule or a freeze. */
    BLOCKED,
    /** Would be blocked, but an approved emergency override lets it through. */
    OVERRIDDEN
}
