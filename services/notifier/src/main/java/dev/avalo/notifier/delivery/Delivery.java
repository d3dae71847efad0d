package dev.avalo.notifier.delivery;

import java.time.Instant;

import dev.avalo.notifier.notification.Notification;

/** One row of the delivery log: a notification for one channel and how its delivery went. */
public record Delivery(
        long id,
        String eventId,
        String channel,
        String eventType,
        String kind,
        String severity,
        String title,
        DeliveryStatus status,
        int attempts,
        Instant nextAttemptAt,
        String lastError,
        String detail,
        Long summaryId,
        Instant createdAt,
        Instant updatedAt,
        Instant deliveredAt,
        Notification notification) {
}
