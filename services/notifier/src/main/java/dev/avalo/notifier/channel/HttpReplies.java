package dev.avalo.notifier.channel;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.Optional;

/**
 * What the HTTP channels (Slack, PagerDuty) share when they turn a reply into a {@link SendResult}: a bounded read of the body,
 * a short provider text with every secret masked, {@code Retry-After} parsing and the description of an I/O failure.
 */
public final class HttpReplies {

    /** Most characters of a provider's body kept in a detail. */
    public static final int MAX_PROVIDER_TEXT = 200;

    /** Most bytes read from a reply body. */
    public static final int MAX_BODY_BYTES = 8192;

    /** What replaces a secret. */
    public static final String MASK = "***";

    private HttpReplies() {
    }

    /** Reads at most {@link #MAX_BODY_BYTES} of {@code body} as UTF-8 and closes it; "" when it cannot be read. */
    public static String readLimited(InputStream body) {
        if (body == null) {
            return "";
        }
        try (InputStream in = body) {
            return new String(in.readNBytes(MAX_BODY_BYTES), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** {@code text} with every occurrence of every non-blank secret replaced by {@link #MASK}. */
    public static String redact(String text, Collection<String> secrets) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String secret : secrets) {
            if (secret != null && !secret.isBlank()) {
                out = out.replace(secret, MASK);
            }
        }
        return out;
    }

    /** A provider's text made safe to show: secrets masked, whitespace collapsed, at most {@link #MAX_PROVIDER_TEXT} chars. */
    public static String providerText(String text, Collection<String> secrets) {
        if (text == null) {
            return "";
        }
        String safe = redact(text, secrets).replaceAll("\\s+", " ").strip();
        return truncate(safe, MAX_PROVIDER_TEXT);
    }

    /** {@code text} cut to {@code max} characters (the last one an ellipsis), never splitting a surrogate pair. */
    public static String truncate(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        int end = max - 1;
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "…";
    }

    /**
     * The wait a {@code Retry-After} header asks for: delay-seconds or an HTTP-date (a date in the past is no wait). Empty when
     * the header is absent or unreadable.
     */
    public static Optional<Duration> retryAfter(Optional<String> header, Instant now) {
        if (header.isEmpty() || header.get().isBlank()) {
            return Optional.empty();
        }
        String value = header.get().strip();
        try {
            long seconds = Long.parseLong(value);
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration wait = Duration.between(now, at);
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (DateTimeParseException notDate) {
                return Optional.empty();
            }
        }
    }

    /**
     * A failed attempt that got no reply, described without its secrets: {@code "slack timed out after PT10S"},
     * {@code "pagerduty connection refused"}, {@code "slack I/O error: EOFException …"}.
     */
    public static SendResult ioFailure(String provider, IOException e, Duration timeout, Collection<String> secrets) {
        if (e instanceof HttpConnectTimeoutException) {
            return SendResult.transientFailure(provider + " connect timed out");
        }
        if (e instanceof HttpTimeoutException) {
            return SendResult.transientFailure(provider + " timed out after " + timeout);
        }
        if (e instanceof ConnectException) {
            return SendResult.transientFailure(provider + " connection refused");
        }
        String message = e.getMessage() == null ? "" : " " + providerText(e.getMessage(), secrets);
        return SendResult.transientFailure(provider + " I/O error: " + e.getClass().getSimpleName() + message);
    }

    /** An attempt interrupted while waiting: the interrupt flag is restored and the attempt counts as transient. */
    public static SendResult interrupted(String provider) {
        Thread.currentThread().interrupt();
        return SendResult.transientFailure(provider + " interrupted");
    }
}
