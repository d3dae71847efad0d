package dev.avalo.scheduler.freeze;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FreezeCalendarTest {

    static final ZoneId PACIFIC = ZoneId.of("America/Los_Angeles");
    static final FreezeCalendar CALENDAR = new FreezeCalendar("US", PACIFIC,
            Set.of("NEW_YEAR", "MEMORIAL_DAY", "INDEPENDENCE_DAY", "LABOUR_DAY", "THANKSGIVING", "CHRISTMAS"), true);

    @ParameterizedTest
    @CsvSource({
            "2024, 2024-11-28, 2024-11-29, 2024-12-02",
            "2025, 2025-11-27, 2025-11-28, 2025-12-01",
            "2026, 2026-11-26, 2026-11-27, 2026-11-30",
            "2027, 2027-11-25, 2027-11-26, 2027-11-29",
            "2028, 2028-11-23, 2028-11-24, 2028-11-27",
            "2029, 2029-11-22, 2029-11-23, 2029-11-26",
            "2030, 2030-11-28, 2030-11-29, 2030-12-02"})
    void thanksgivingBlackFridayCyberMondayMatchKnownDates(int year, LocalDate thanksgiving, LocalDate blackFriday,
            LocalDate cyberMonday) {
        assertThat(FreezeCalendar.thanksgiving(year)).isEqualTo(thanksgiving);
        assertThat(FreezeCalendar.blackFriday(year)).isEqualTo(blackFriday);
        assertThat(FreezeCalendar.cyberMonday(year)).isEqualTo(cyberMonday);
        // the holiday library agrees on Thanksgiving
        assertThat(CALENDAR.publicHolidays(year)).anySatisfy(h -> {
            assertThat(h.key()).isEqualTo("THANKSGIVING");
            assertThat(h.first()).isEqualTo(thanksgiving);
            assertThat(h.major()).isTrue();
        });
        Freeze bfcm = CALENDAR.freezes(year).stream().filter(f -> f.id().equals("bfcm-" + year)).findFirst()
                .orElseThrow();
        assertThat(bfcm.kind()).isEqualTo(Freeze.BUSINESS_EVENT);
        assertThat(bfcm.startsAt()).isEqualTo(blackFriday.atStartOfDay(PACIFIC).toInstant());
        assertThat(bfcm.endsAt()).isEqualTo(cyberMonday.plusDays(1).atStartOfDay(PACIFIC).toInstant());
    }

    @Test
    void blackFridayFreezeCoversAllOfFridayThroughMondayPacific() {
        Freeze bfcm = CALENDAR.freezes(2026).stream().filter(f -> f.id().equals("bfcm-2026")).findFirst().orElseThrow();
        // 2026-11-27 00:00 PST is 08:00Z; 2026-12-01 00:00 PST is 08:00Z
        assertThat(bfcm.startsAt()).isEqualTo(Instant.parse("2026-11-27T08:00:00Z"));
        assertThat(bfcm.endsAt()).isEqualTo(Instant.parse("2026-12-01T08:00:00Z"));
        assertThat(bfcm.activeAt(Instant.parse("2026-11-27T07:59:59Z"))).isFalse();
        assertThat(bfcm.activeAt(Instant.parse("2026-11-27T08:00:00Z"))).isTrue();
        assertThat(bfcm.activeAt(Instant.parse("2026-11-30T23:00:00-08:00"))).isTrue();
        assertThat(bfcm.activeAt(Instant.parse("2026-12-01T07:59:59Z"))).isTrue();
        assertThat(bfcm.activeAt(Instant.parse("2026-12-01T08:00:00Z"))).isFalse();
    }

    @Test
    void majorHolidaysAreFreezesOfWholePacificDaysIncludingTheObservedDay() {
        // Christmas 2027 is a Saturday, observed Friday 2027-12-24: both days are frozen
        Freeze christmas = CALENDAR.freezes(2027).stream().filter(f -> f.name().equals("Christmas")).findFirst()
                .orElseThrow();
        assertThat(christmas.kind()).isEqualTo(Freeze.HOLIDAY);
        assertThat(christmas.startsAt()).isEqualTo(Instant.parse("2027-12-24T08:00:00Z"));
        assertThat(christmas.endsAt()).isEqualTo(Instant.parse("2027-12-26T08:00:00Z"));
        // Independence Day 2026 (Saturday) observed Friday July 3, in PDT (UTC-7)
        Freeze july4 = CALENDAR.freezes(2026).stream().filter(f -> f.id().contains("independence")).findFirst()
                .orElseThrow();
        assertThat(july4.startsAt()).isEqualTo(Instant.parse("2026-07-03T07:00:00Z"));
        assertThat(july4.endsAt()).isEqualTo(Instant.parse("2026-07-05T07:00:00Z"));
    }

    @Test
    void otherPublicHolidaysAreNotFreezesButAreKnownHolidays() {
        assertThat(CALENDAR.freezes(2027)).noneMatch(f -> f.name().contains("Martin Luther King"));
        assertThat(CALENDAR.holidayOn(LocalDate.of(2027, 1, 18))).hasValueSatisfying(h -> {
            assertThat(h.name()).contains("Martin Luther King");
            assertThat(h.major()).isFalse();
        });
        assertThat(CALENDAR.holidayOn(LocalDate.of(2027, 1, 19))).isEmpty();
    }

    @Test
    void unknownCountryFailsLoudly() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new FreezeCalendar("XX", PACIFIC, Set.of(), true))
                .hasMessageContaining("unknown holiday calendar 'XX'");
    }
}
