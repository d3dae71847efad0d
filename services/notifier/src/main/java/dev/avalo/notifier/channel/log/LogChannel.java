package dev.avalo.notifier.channel.log;

import java.util.List;
import java.util.stream.Collectors;

import io.quarkus.logging.Log;

import dev.avalo.notifier.channel.NotificationChannel;
import dev.avalo.notifier.channel.SendResult;
import dev.avalo.notifier.notification.Notification;
import dev.avalo.notifier.notification.Numbers;
import dev.avalo.notifier.notification.Severity;

/**
 * The service log ({@code log}): one readable line per notification, e.g.
 * {@code NOTIFY critical rollback.started chat-api/production v122→v123 stage canary-1 at 1 % score 41.2: Rollback started:
 * chat-api in production — error-rate-3m: … (observed 3.1, threshold 2) http://…}. Always delivered.
 */
public final class LogChannel implements NotificationChannel {

    static final int SUMMARY_LISTED = 20;

    private final boolean enabled;

    public LogChannel(boolean enabled) {
        this.enabled = enabled;
    }

    @Override
    public String id() {
        return "log";
    }

    @Override
    public String type() {
        return "log";
    }

    @Override
    public boolean configured() {
        return enabled;
    }

    @Override
    public SendResult send(Notification notification) {
        if (!enabled) {
            return SendResult.delivered("log disabled: skipped");
        }
        Log.infof("%s", line(notification));
        return SendResult.delivered("logged");
    }

    /** The line written for {@code n}: never more than one line, whatever the notification holds. */
    public static String line(Notification n) {
        StringBuilder sb = new StringBuilder("NOTIFY ");
        sb.append((n.severity() == null ? Severity.INFO : n.severity()).lower()).append(' ').append(n.kind());
        if (n.service() != null || n.environment() != null) {
            sb.append(' ').append(n.service() == null ? "*" : n.service()).append('/')
                    .append(n.environment() == null ? "*" : n.environment());
        }
        if (n.fromRevision() != null || n.toRevision() != null) {
            sb.append(' ').append(n.fromRevision() == null ? "(none)" : n.fromRevision()).append('→')
                    .append(n.toRevision() == null ? "(none)" : n.toRevision());
        }
        if (n.stageText() != null) {
            sb.append(" stage ").append(n.stageText());
        }
        if (n.healthScore() != null) {
            sb.append(" score ").append(Numbers.format(n.healthScore()));
        }
        if (n.verdict() != null) {
            sb.append(" verdict ").append(n.verdict());
        }
        sb.append(": ");
        if (n.isSummary()) {
            List<Notification> held = n.summarised();
            sb.append(held.size()).append(" held back by the rate limit: ");
            sb.append(held.stream().limit(SUMMARY_LISTED)
                    .map(h -> (h.severity() == null ? "info" : h.severity().lower()) + " " + h.title())
                    .collect(Collectors.joining("; ")));
            if (held.size() > SUMMARY_LISTED) {
                sb.append("; … and ").append(held.size() - SUMMARY_LISTED).append(" more");
            }
        } else {
            sb.append(n.title());
            if (!n.reasons().isEmpty()) {
                sb.append(" — ").append(
                        n.reasons().stream().map(Notification.Reason::sentence).collect(Collectors.joining("; ")));
            }
        }
        if (n.link() != null) {
            sb.append(' ').append(n.link());
        }
        return sb.toString().replaceAll("[\\r\\n\\u2028\\u2029]+", " ");
    }
}
