package dev.avalo.notifier.routing;

import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A token bucket for one channel: {@code count} sends per {@code period}, refilled continuously, starting full. Not thread
 * safe: the dispatcher owns it. Time comes from the caller.
 */
public final class RateLimit {

    private static final Pattern SPEC = Pattern.compile("\\s*(\\d+)\\s*/\\s*(\\d*)\\s*(ms|s|m|h)\\s*");

    private final int capacity;
    private final double perNano;
    private double tokens;
    private Instant last;

    private RateLimit(int capacity, Duration period) {
        this.capacity = capacity;
        this.perNano = capacity / (double) period.toNanos();
        this.tokens = capacity;
    }

    /** Parses {@code 20/1m}, {@code 1/s}, {@code 100/10s}; {@code none} (or blank) is no limit (null). */
    public static RateLimit parse(String spec) {
        if (spec == null || spec.isBlank() || spec.trim().equalsIgnoreCase("none")) {
            return null;
        }
        Matcher m = SPEC.matcher(spec);
        if (!m.matches()) {
            throw new IllegalArgumentException("rate limit '" + spec + "' is not <count>/<duration> such as 20/1m or none");
        }
        int count = Integer.parseInt(m.group(1));
        long amount = m.group(2).isEmpty() ? 1 : Long.parseLong(m.group(2));
        Duration period = switch (m.group(3)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
        if (count < 1 || period.isZero()) {
            throw new IllegalArgumentException("rate limit '" + spec + "' must allow at least 1 per non-zero duration");
        }
        return new RateLimit(count, period);
    }

    /** Whole tokens available at {@code now}. */
    public int available(Instant now) {
        refill(now);
        return (int) Math.floor(tokens);
    }

    /** Spends {@code n} tokens (the caller checked {@link #available}). */
    public void take(Instant now, int n) {
        refill(now);
        tokens = Math.max(0, tokens - n);
    }

    public int capacity() {
        return capacity;
    }

    private void refill(Instant now) {
        if (last != null && now.isAfter(last)) {
            long nanos = Duration.between(last, now).toNanos();
            tokens = Math.min(capacity, tokens + nanos * perNano);
        }
        if (last == null || now.isAfter(last)) {
            last = now;
        }
    }
}
