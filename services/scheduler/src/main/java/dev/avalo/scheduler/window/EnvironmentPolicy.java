package dev.avalo.scheduler.window;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * When one environment may change: a preferred window (days and a local time range), avoided days, a late-night range that may
 * wrap midnight, whether holidays are avoided and which freezes apply. All times are local to {@code zone}, so a 10:00 window
 * stays at 10:00 across daylight-saving changes.
 *
 * @param environment
 *            the environment name (a DNS label)
 * @param zone
 *            the time zone the windows are in
 * @param preferredDays
 *            days with a preferred window; empty for none
 * @param preferredStart
 *            start of the preferred window (inclusive)
 * @param preferredEnd
 *            end of the preferred window (exclusive)
 * @param avoidDays
 *            days on which changes are avoided (blocked)
 * @param lateNight
 *            the avoided late-night range, if any
 * @param avoidHolidays
 *            whether every public holiday of the holiday calendar is avoided
 * @param calendarFreezes
 *            whether calendar freezes (major holidays, Black Friday–Cyber Monday) apply
 * @param incidentFreezes
 *            whether open incidents freeze this environment
 */
public record EnvironmentPolicy(String environment, ZoneId zone, Set<DayOfWeek> preferredDays, LocalTime preferredStart,
        LocalTime preferredEnd, Set<DayOfWeek> avoidDays, Optional<LocalRange> lateNight, boolean avoidHolidays,
        boolean calendarFreezes, boolean incidentFreezes) {

    /** A local time range; {@code end} before {@code start} wraps midnight (20:00–07:00). */
    public record LocalRange(LocalTime start, LocalTime end) {
        public LocalRange {
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(end, "end");
            if (start.equals(end)) {
                throw new IllegalArgumentException("a range needs different start and end, got " + start);
            }
        }

        /** Whether {@code t} is inside [start, end), across midnight when the range wraps. */
        public boolean contains(LocalTime t) {
            return start.isBefore(end) ? !t.isBefore(start) && t.isBefore(end) : !t.isBefore(start) || t.isBefore(end);
        }

        @Override
        public String toString() {
            return start + "–" + end;
        }
    }

    public EnvironmentPolicy {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(zone, "zone");
        preferredDays = Set.copyOf(preferredDays);
        avoidDays = Set.copyOf(avoidDays);
        lateNight = lateNight == null ? Optional.empty() : lateNight;
        if (!preferredDays.isEmpty() && (preferredStart == null || preferredEnd == null
                || !preferredStart.isBefore(preferredEnd))) {
            throw new IllegalArgumentException(environment + ": the preferred window needs start before end");
        }
    }

    /** Whether a preferred window is configured. */
    public boolean hasPreferredWindow() {
        return !preferredDays.isEmpty();
    }

    /** The production policy of the strategy document: Tue–Thu 10:00–14:00 preferred, Fri/weekend/20:00–07:00 avoided. */
    public static EnvironmentPolicy strategyProduction() {
        return new EnvironmentPolicy("production", ZoneId.of("America/Los_Angeles"),
                Set.of(DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY), LocalTime.of(10, 0),
                LocalTime.of(14, 0), Set.of(DayOfWeek.FRIDAY, DayOfWeek.SATURDAY, DayOfWeek.SUNDAY),
                Optional.of(new LocalRange(LocalTime.of(20, 0), LocalTime.of(7, 0))), true, true, true);
    }

    /** Any time, no freezes: staging and development unless configured. */
    public static EnvironmentPolicy anyTime(String environment, ZoneId zone) {
        return new EnvironmentPolicy(environment, zone, Set.of(), null, null, Set.of(), Optional.empty(), false, false,
                false);
    }
}
