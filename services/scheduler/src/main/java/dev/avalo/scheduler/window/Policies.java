package dev.avalo.scheduler.window;

import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** The configured environments and their policies; an unknown environment has none. */
public final class Policies {

    private final Map<String, EnvironmentPolicy> byEnvironment;

    public Policies(Map<String, EnvironmentPolicy> byEnvironment) {
        if (byEnvironment.isEmpty()) {
            throw new IllegalArgumentException("no environment configured (avalo.scheduler.environments)");
        }
        this.byEnvironment = Map.copyOf(byEnvironment);
    }

    public Optional<EnvironmentPolicy> of(String environment) {
        return Optional.ofNullable(byEnvironment.get(environment));
    }

    /** Environment names, sorted. */
    public Set<String> environments() {
        return new TreeMap<>(byEnvironment).keySet();
    }

    /** Parses {@code HH:mm}; the message names {@code key}. */
    public static LocalTime time(String key, String value) {
        try {
            return LocalTime.parse(value.trim());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(key + ": not a local time HH:mm: '" + value + "'");
        }
    }

    /** Parses {@code HH:mm-HH:mm}. */
    public static EnvironmentPolicy.LocalRange range(String key, String value) {
        String[] parts = value.split("-");
        if (parts.length != 2) {
            throw new IllegalArgumentException(key + ": expected HH:mm-HH:mm, got '" + value + "'");
        }
        return new EnvironmentPolicy.LocalRange(time(key, parts[0]), time(key, parts[1]));
    }

    /** Parses an IANA zone id; the message names {@code key}. */
    public static ZoneId zone(String key, String value) {
        try {
            return ZoneId.of(value.trim());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(key + ": unknown time zone '" + value + "'");
        }
    }
}
