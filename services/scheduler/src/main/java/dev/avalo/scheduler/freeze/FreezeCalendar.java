package dev.avalo.scheduler.freeze;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Month;
import java.time.Year;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import de.focus_shift.jollyday.core.Holiday;
import de.focus_shift.jollyday.core.HolidayCalendar;
import de.focus_shift.jollyday.core.HolidayManager;
import de.focus_shift.jollyday.core.HolidayType;
import de.focus_shift.jollyday.core.ManagerParameters;

/**
 * The business freeze calendar: public holidays from Jollyday's calendar for a country (major ones are freezes, the rest are
 * avoided days), and Black Friday through Cyber Monday computed from Thanksgiving (the fourth Thursday of November). Days are
 * whole local days in {@code zone}: a freeze of Black Friday starts at 00:00 Pacific.
 */
public final class FreezeCalendar {

    /** A public holiday: its name, Jollyday key and the local days it covers (actual and observed date). */
    public record PublicHoliday(String key, String name, LocalDate first, LocalDate last, boolean major) {
        public boolean covers(LocalDate day) {
            return !day.isBefore(first) && !day.isAfter(last);
        }
    }

    private final HolidayManager holidays;
    private final ZoneId zone;
    private final Set<String> majorHolidays;
    private final boolean blackFridayCyberMonday;
    private final Map<Integer, List<PublicHoliday>> byYear = new ConcurrentHashMap<>();

    /**
     * @param country
     *            a Jollyday calendar code ({@code US})
     * @param zone
     *            the zone whose local days the freezes cover
     * @param majorHolidays
     *            Jollyday property keys of the holidays that are freezes ({@code CHRISTMAS}, {@code THANKSGIVING}, …)
     * @param blackFridayCyberMonday
     *            whether Black Friday–Cyber Monday is frozen
     */
    public FreezeCalendar(String country, ZoneId zone, Set<String> majorHolidays, boolean blackFridayCyberMonday) {
        HolidayCalendar calendar = java.util.Arrays.stream(HolidayCalendar.values())
                .filter(c -> c.getId().equalsIgnoreCase(country)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown holiday calendar '" + country + "'"));
        this.holidays = HolidayManager.getInstance(ManagerParameters.create(calendar));
        this.zone = Objects.requireNonNull(zone, "zone");
        this.majorHolidays = Set.copyOf(majorHolidays);
        this.blackFridayCyberMonday = blackFridayCyberMonday;
    }

    public ZoneId zone() {
        return zone;
    }

    /** Thanksgiving: the fourth Thursday of November. */
    public static LocalDate thanksgiving(int year) {
        return LocalDate.of(year, Month.NOVEMBER, 1).with(TemporalAdjusters.dayOfWeekInMonth(4, DayOfWeek.THURSDAY));
    }

    /** Black Friday: the day after Thanksgiving. */
    public static LocalDate blackFriday(int year) {
        return thanksgiving(year).plusDays(1);
    }

    /** Cyber Monday: the Monday after Thanksgiving. */
    public static LocalDate cyberMonday(int year) {
        return thanksgiving(year).plusDays(4);
    }

    /** The public holidays of {@code year}, in date order. */
    public List<PublicHoliday> publicHolidays(int year) {
        return byYear.computeIfAbsent(year, y -> {
            List<PublicHoliday> out = new ArrayList<>();
            for (Holiday h : holidays.getHolidays(Year.of(y), HolidayType.PUBLIC_HOLIDAY)) {
                LocalDate actual = h.getActualDate();
                LocalDate observed = h.getDate();
                LocalDate first = actual.isBefore(observed) ? actual : observed;
                LocalDate last = actual.isAfter(observed) ? actual : observed;
                out.add(new PublicHoliday(h.getPropertiesKey(), h.getDescription(Locale.US), first, last,
                        majorHolidays.contains(h.getPropertiesKey())));
            }
            out.sort(Comparator.comparing(PublicHoliday::first));
            return List.copyOf(out);
        });
    }

    /** The public holiday covering local {@code day}, if any (looks at the neighbouring years for observed dates). */
    public Optional<PublicHoliday> holidayOn(LocalDate day) {
        for (int y = day.getYear() - 1; y <= day.getYear() + 1; y++) {
            for (PublicHoliday h : publicHolidays(y)) {
                if (h.covers(day)) {
                    return Optional.of(h);
                }
            }
        }
        return Optional.empty();
    }

    /** The calendar freezes of {@code year}: major holidays and Black Friday–Cyber Monday. */
    public List<Freeze> freezes(int year) {
        Set<Freeze> out = new LinkedHashSet<>();
        for (PublicHoliday h : publicHolidays(year)) {
            if (h.major()) {
                out.add(new Freeze("holiday-" + h.first() + "-" + h.key().toLowerCase(Locale.ROOT).replace('_', '-'),
                        h.name(), Freeze.HOLIDAY, h.first().atStartOfDay(zone).toInstant(),
                        h.last().plusDays(1).atStartOfDay(zone).toInstant(), "major holiday", Set.of(), Set.of(),
                        null));
            }
        }
        if (blackFridayCyberMonday) {
            out.add(new Freeze("bfcm-" + year, "Black Friday / Cyber Monday", Freeze.BUSINESS_EVENT,
                    blackFriday(year).atStartOfDay(zone).toInstant(),
                    cyberMonday(year).plusDays(1).atStartOfDay(zone).toInstant(),
                    "Black Friday through Cyber Monday: peak traffic", Set.of(), Set.of(), null));
        }
        List<Freeze> sorted = new ArrayList<>(out);
        sorted.sort(Comparator.comparing(Freeze::startsAt));
        return sorted;
    }

    /** Calendar freezes overlapping [from, to). */
    public List<Freeze> freezes(java.time.Instant from, java.time.Instant to) {
        int firstYear = from.atZone(zone).getYear() - 1;
        int lastYear = to.atZone(zone).getYear();
        List<Freeze> out = new ArrayList<>();
        for (int y = firstYear; y <= lastYear; y++) {
            for (Freeze f : freezes(y)) {
                if (f.overlaps(from, to)) {
                    out.add(f);
                }
            }
        }
        return out;
    }
}
