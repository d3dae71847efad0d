package dev.avalo.notifier.channel;

import dev.avalo.notifier.notification.Notification;

/**
 * One place people are told things: a Slack webhook, PagerDuty, an email list, the log. {@link #send} makes a single attempt
 * and classifies its outcome; retries, backoff, timeouts around it, the circuit breaker, rate limits and the delivery log are
 * the delivery layer's, the same for every channel. Implementations never log or return their secrets (webhook URLs, routing
 * keys, passwords) — not even inside an error message.
 */
public interface NotificationChannel {

    /** The id routing names: {@code slack:deployments}, {@code slack:alerts}, {@code pagerduty}, {@code email}, {@code log}. */
    String id();

    /** The provider: {@code slack}, {@code pagerduty}, {@code email} or {@code log}. */
    String type();

    /** False when the channel lacks its settings: it is then a no-op that says so once at start. */
    boolean configured();

    /** One attempt to deliver {@code notification} (possibly a summary); never throws for a delivery failure. */
    SendResult send(Notification notification);
}
