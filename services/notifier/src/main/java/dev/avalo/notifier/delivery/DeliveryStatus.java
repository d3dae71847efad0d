package dev.avalo.notifier.delivery;

/** Where a delivery stands in the log. */
public enum DeliveryStatus {
    /** Waiting to be sent at {@code nextAttemptAt} (new, or retrying after a transient failure). */
    PENDING,
    /** Claimed by a dispatcher until its lease ends; an expired lease returns it to PENDING. */
    SENDING,
    /** Accepted by the channel. */
    DELIVERED,
    /** Held back by the channel's rate limit and carried by a summary delivery. */
    SUMMARISED,
    /** Refused for good, or retried past the give-up age: kept here, announced on other channels. */
    DEAD;

    public boolean isFinal() {
        return this == DELIVERED || this == SUMMARISED || this == DEAD;
    }
}
