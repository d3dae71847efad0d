package dev.avalo.scheduler.check;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

import dev.avalo.contracts.schedule.ScheduleVerdict;
import dev.avalo.scheduler.freeze.Freeze;
import dev.avalo.scheduler.freeze.FreezeCalendar;
import dev.avalo.scheduler.window.EnvironmentPolicy;

/**
 * Decides PREFERRED / ALLOWED / BLOCKED for one environment, service and instant from the environment's policy, the holiday
 * calendar and the freezes in force; pure (the freezes are passed in). {@link #evaluate} also finds {@code nextAllowedAt} by
 * walking forward over the instants where the answer can change: local window edges, midnight and freeze ends.
 */
public final class ScheduleEvaluator {

    /** How far ahead {@code nextAllowedAt} is searched. */
    public static final java.time.Duration HORIZON = java.time.Duration.ofDays(400);

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm zzz", Locale.US);

    private final FreezeCalendar calendar;

    public ScheduleEvaluator(FreezeCalendar calendar) {
        this.calendar = calendar;
    }

    /** The freezes that apply to {@code service} in the policy's environment, of those given. */
    public List<Freeze> applicable(EnvironmentPolicy policy, String service, List<Freeze> freezes) {
        List<Freeze> out = new ArrayList<>();
        for (Freeze f : freezes) {
            boolean kindApplies = switch (f.kind()) {
                case Freeze.HOLIDAY, Freeze.BUSINESS_EVENT -> policy.calendarFreezes();
                case Freeze.INCIDENT -> policy.incidentFreezes();
                default -> f.environments().isEmpty() ? policy.calendarFreezes() : true;
            };
            if (kindApplies && f.appliesTo(service, policy.environment())) {
                out.add(f);
            }
        }
        return out;
    }

    /**
     * Evaluates {@code at}; {@code freezes} must be every stored freeze (ad-hoc and incident) that may matter from {@code at}
     * to {@code at + HORIZON}; calendar freezes are added here.
     */
    public Evaluation evaluate(EnvironmentPolicy policy, String service, Instant at, List<Freeze> stored) {
        List<Freeze> all = new ArrayList<>(stored);
        all.addAll(calendar.freezes(at.minus(java.time.Duration.ofDays(7)), at.plus(HORIZON)));
        List<Freeze> freezes = applicable(policy, service, all);
        Moment now = moment(policy, at, freezes);
        Instant next = now.blocked() ? nextAllowed(policy, at, freezes) : at;
        List<String> reasons = new ArrayList<>(now.reasons());
        ScheduleVerdict verdict;
        if (now.blocked()) {
            verdict = ScheduleVerdict.BLOCKED;
            if (next == null) {
                reasons.add("no allowed time until the open-ended freeze ends (resolve the incident)");
            } else {
                reasons.add("next allowed at " + local(next, policy.zone()));
            }
        } else if (now.preferred()) {
            verdict = ScheduleVerdict.PREFERRED;
        } else {
            verdict = ScheduleVerdict.ALLOWED;
        }
        if (!now.blocked() && !now.preferred() && policy.hasPreferredWindow()) {
            nextPreferred(policy, at, freezes).ifPresent(p -> reasons.add("next preferred window starts "
                    + local(p, policy.zone())));
        }
        return new Evaluation(verdict, reasons, now.freezes(), next);
    }

    /** The state at one instant. */
    record Moment(boolean blocked, boolean preferred, List<String> reasons, List<Freeze> freezes) {
    }

    Moment moment(EnvironmentPolicy policy, Instant at, List<Freeze> freezes) {
        ZonedDateTime local = at.atZone(policy.zone());
        DayOfWeek day = local.getDayOfWeek();
        LocalTime time = local.toLocalTime();
        List<String> reasons = new ArrayList<>();
        String zoneName = policy.zone().getId();
        if (policy.avoidDays().contains(day)) {
            reasons.add(policy.environment() + " avoids " + plural(day) + " (" + local(at, policy.zone()) + ")");
        }
        if (policy.lateNight().isPresent() && policy.lateNight().get().contains(time)) {
            reasons.add(policy.environment() + " avoids late nights " + policy.lateNight().get() + " " + zoneName);
        }
        if (policy.avoidHolidays()) {
            calendar.holidayOn(local.toLocalDate()).ifPresent(h -> reasons.add(policy.environment()
                    + " avoids holidays: " + h.name() + (h.first().equals(h.last()) ? "" : " (observed)") + " on "
                    + local.toLocalDate()));
        }
        List<Freeze> active = new ArrayList<>();
        for (Freeze f : freezes) {
            if (f.activeAt(at)) {
                active.add(f);
                reasons.add("freeze: " + f.name() + " (" + f.kind() + (f.reason() == null ? "" : ", " + f.reason())
                        + ") " + (f.endsAt() == null ? "until resolved" : "until " + local(f.endsAt(), policy.zone())));
            }
        }
        active.sort(Comparator.comparing(Freeze::startsAt));
        boolean blocked = !reasons.isEmpty();
        boolean preferred = !blocked && policy.hasPreferredWindow() && policy.preferredDays().contains(day)
                && !time.isBefore(policy.preferredStart()) && time.isBefore(policy.preferredEnd());
        if (preferred) {
            reasons.add("inside the preferred window (" + days(policy) + " " + policy.preferredStart() + "–"
                    + policy.preferredEnd() + " " + zoneName + ")");
        } else if (!blocked) {
            reasons.add(policy.hasPreferredWindow()
                    ? "allowed, outside the preferred window (" + days(policy) + " " + policy.preferredStart() + "–"
                            + policy.preferredEnd() + " " + zoneName + ")"
                    : "allowed: no deploy window configured for " + policy.environment());
        }
        return new Moment(blocked, preferred, reasons, active);
    }

    /** The first instant after {@code from} that is not blocked; null when an open-ended freeze blocks it. */
    Instant nextAllowed(EnvironmentPolicy policy, Instant from, List<Freeze> freezes) {
        Instant t = from;
        Instant limit = from.plus(HORIZON);
        while (t.isBefore(limit)) {
            Moment m = moment(policy, t, freezes);
            if (!m.blocked()) {
                return t;
            }
            // freezes in force cover [t, latest end) together, so nothing earlier can be allowed; without one, only a
            // window edge or midnight can unblock
            Instant jump = null;
            for (Freeze f : m.freezes()) {
                if (f.endsAt() == null) {
                    return null;
                }
                if (jump == null || f.endsAt().isAfter(jump)) {
                    jump = f.endsAt();
                }
            }
            t = jump != null ? jump : nextEdge(policy, t);
        }
        return null;
    }

    /** The start of the next preferred window that is not blocked, searched over the next 60 days. */
    Optional<Instant> nextPreferred(EnvironmentPolicy policy, Instant from, List<Freeze> freezes) {
        LocalDate day = from.atZone(policy.zone()).toLocalDate();
        for (int i = 0; i < 60; i++, day = day.plusDays(1)) {
            if (!policy.preferredDays().contains(day.getDayOfWeek())) {
                continue;
            }
            Instant start = day.atTime(policy.preferredStart()).atZone(policy.zone()).toInstant();
            if (start.isAfter(from) && moment(policy, start, freezes).preferred()) {
                return Optional.of(start);
            }
        }
        return Optional.empty();
    }

    /** The next local instant strictly after {@code t} where a window edge or a day boundary lies. */
    static Instant nextEdge(EnvironmentPolicy policy, Instant t) {
        ZoneId zone = policy.zone();
        TreeSet<LocalTime> edges = new TreeSet<>();
        edges.add(LocalTime.MIDNIGHT);
        if (policy.hasPreferredWindow()) {
            edges.add(policy.preferredStart());
            edges.add(policy.preferredEnd());
        }
        policy.lateNight().ifPresent(r -> {
            edges.add(r.start());
            edges.add(r.end());
        });
        LocalDate day = t.atZone(zone).toLocalDate();
        for (int d = 0; d < 3; d++, day = day.plusDays(1)) {
            for (LocalTime edge : edges) {
                Instant candidate = ZonedDateTime.of(day, edge, zone).toInstant();
                if (candidate.isAfter(t)) {
                    return candidate;
                }
            }
        }
        throw new IllegalStateException("no edge within three days of " + t);
    }

    static String local(Instant t, ZoneId zone) {
        return LOCAL.format(t.atZone(zone)) + " (" + t + ")";
    }

    private static String plural(DayOfWeek day) {
        return day.getDisplayName(TextStyle.FULL, Locale.US) + "s";
    }

    private static String days(EnvironmentPolicy policy) {
        return policy.preferredDays().stream().sorted()
                .map(d -> d.getDisplayName(TextStyle.SHORT, Locale.US)).reduce((a, b) -> a + "," + b).orElse("");
    }
}
