package dev.avalo.notifier.routing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.avalo.notifier.notification.Severity;

/**
 * Decides who hears what, as configuration: the severity of each event kind (defaults from the strategy document), the channels
 * of each severity, and each channel's minimum severity. Plain Java.
 */
public final class Router {

    /** The strategy document's defaults; {@code null} means "not notified". */
    public static final Map<String, Severity> DEFAULT_SEVERITIES;

    static {
        Map<String, Severity> m = new HashMap<>();
        m.put("created", Severity.INFO);
        m.put("stage.entered", null);
        m.put("stage.passed", Severity.INFO);
        m.put("succeeded", Severity.INFO);
        m.put("approved", Severity.INFO);
        m.put("resumed", Severity.INFO);
        m.put("paused", Severity.WARNING);
        m.put("approval.required", Severity.WARNING);
        m.put("aborted", Severity.WARNING);
        m.put("warning", Severity.WARNING);
        m.put("rollback.started", Severity.CRITICAL);
        m.put("rolled-back", Severity.CRITICAL);
        m.put("failed", Severity.CRITICAL);
        m.put("emergency-stop", Severity.CRITICAL);
        m.put("freeze.started", Severity.WARNING);
        m.put("freeze.ended", Severity.INFO);
        m.put("incident.opened", Severity.WARNING);
        m.put("incident.resolved", Severity.INFO);
        DEFAULT_SEVERITIES = java.util.Collections.unmodifiableMap(m);
    }

    private final Map<String, Optional<Severity>> severities = new HashMap<>();
    private final Map<Severity, List<String>> channelsBySeverity;
    private final Map<String, Severity> minimums;
    private final List<String> deadLetter;

    /**
     * @param overrides
     *            kind → {@code info|warning|critical|none}, over the defaults
     * @param channelsBySeverity
     *            channel ids per severity
     * @param minimums
     *            channel id → least severity it is sent
     * @param deadLetter
     *            channel ids told about a dead-lettered notification
     */
    public Router(Map<String, String> overrides, Map<Severity, List<String>> channelsBySeverity,
            Map<String, Severity> minimums, List<String> deadLetter) {
        DEFAULT_SEVERITIES.forEach((k, v) -> severities.put(k, Optional.ofNullable(v)));
        overrides.forEach((kind, value) -> {
            String v = value.trim().toLowerCase(Locale.ROOT);
            severities.put(kind, v.equals("none") ? Optional.empty() : Optional.of(Severity.parse(v)));
        });
        this.channelsBySeverity = Map.copyOf(channelsBySeverity);
        this.minimums = Map.copyOf(minimums);
        this.deadLetter = List.copyOf(deadLetter);
    }

    /** The severity of {@code kind}; empty when it is not notified. Unknown kinds are info, so nothing new goes unheard. */
    public Optional<Severity> severityOf(String kind) {
        return severities.getOrDefault(kind, Optional.of(Severity.INFO));
    }

    /** The channels a notification of {@code severity} goes to, after each channel's minimum. */
    public List<String> channelsFor(Severity severity) {
        Set<String> out = new LinkedHashSet<>();
        for (String id : channelsBySeverity.getOrDefault(severity, List.of())) {
            if (severity.atLeast(minimums.getOrDefault(id, Severity.INFO))) {
                out.add(id);
            }
        }
        return new ArrayList<>(out);
    }

    /** The channels told that a delivery on {@code failedChannel} was dead-lettered (never that channel itself). */
    public List<String> deadLetterChannels(String failedChannel) {
        return deadLetter.stream().filter(c -> !c.equals(failedChannel)).toList();
    }

    /** Every channel id that routing mentions. */
    public Set<String> mentionedChannels() {
        Set<String> all = new LinkedHashSet<>();
        channelsBySeverity.values().forEach(all::addAll);
        all.addAll(deadLetter);
        return all;
    }
}
