package dev.avalo.scheduler.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.avalo.contracts.schedule.ScheduleVerdict;
import dev.avalo.scheduler.freeze.Freeze;
import dev.avalo.scheduler.freeze.FreezeCalendar;
import dev.avalo.scheduler.window.EnvironmentPolicy;

class ScheduleEvaluatorTest {

    static final ZoneId PACIFIC = ZoneId.of("America/Los_Angeles");
    static final FreezeCalendar CALENDAR = new FreezeCalendar("US", PACIFIC,
            Set.of("NEW_YEAR", "MEMORIAL_DAY", "INDEPENDENCE_DAY", "LABOUR_DAY", "THANKSGIVING", "CHRISTMAS"), true);
    static final ScheduleEvaluator EVALUATOR = new ScheduleEvaluator(CALENDAR);
    static final EnvironmentPolicy PRODUCTION = EnvironmentPolicy.strategyProduction();
    static final EnvironmentPolicy STAGING = EnvironmentPolicy.anyTime("staging", PACIFIC);

    static Instant pt(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(PACIFIC).toInstant();
    }

    static Evaluation production(String local) {
        return EVALUATOR.evaluate(PRODUCTION, "chat-api", pt(local), List.of());
    }

    @Test
    void blackFridayIsBlockedWithTheReasonAndTheNextAllowedTime() {
        Evaluation e = production("2026-11-27T11:00");
        assertThat(e.verdict()).isEqualTo(ScheduleVerdict.BLOCKED);
        assertThat(e.reasons()).anyMatch(r -> r.contains("Black Friday / Cyber Monday"))
                .anyMatch(r -> r.contains("avoids Fridays"));
        assertThat(e.freezes()).extracting(Freeze::id).containsExactly("bfcm-2026");
        // Tuesday 2026-12-01 07:00 PST, the end of the late-night block after the freeze ends at midnight
        assertThat(e.nextAllowedAt()).isEqualTo(Instant.parse("2026-12-01T15:00:00Z"));
        assertThat(e.reasons()).anyMatch(r -> r.contains("next allowed at Tue 2026-12-01 07:00 PST"));
    }

    @Test
    void cyberMondayIsStillFrozenAndTuesdayMorningIsPreferred() {
        assertThat(production("2026-11-30T11:00").verdict()).isEqualTo(ScheduleVerdict.BLOCKED);
        Evaluation tuesday = production("2026-12-01T11:00");
        assertThat(tuesday.verdict()).isEqualTo(ScheduleVerdict.PREFERRED);
        assertThat(tuesday.nextAllowedAt()).isEqualTo(pt("2026-12-01T11:00"));
        assertThat(tuesday.freezes()).isEmpty();
    }

    @Test
    void preferredWindowStaysAtTenPacificAcrossTheMarchDstChange() {
        // DST starts 2027-03-14: Tuesday 03-09 is PST (UTC-8), Tuesday 03-16 is PDT (UTC-7)
        assertThat(EVALUATOR.evaluate(PRODUCTION, "a", Instant.parse("2027-03-09T18:00:00Z"), List.of()).verdict())
                .isEqualTo(ScheduleVerdict.PREFERRED);
        assertThat(EVALUATOR.evaluate(PRODUCTION, "a", Instant.parse("2027-03-09T17:59:00Z"), List.of()).verdict())
                .isEqualTo(ScheduleVerdict.ALLOWED);
        assertThat(EVALUATOR.evaluate(PRODUCTION, "a", Instant.parse("2027-03-16T17:00:00Z"), List.of()).verdict())
                .isEqualTo(ScheduleVerdict.PREFERRED);
        assertThat(EVALUATOR.evaluate(PRODUCTION, "a", Instant.parse("2027-03-16T16:59:00Z"), List.of()).verdict())
                .isEqualTo(ScheduleVerdict.ALLOWED);
        // the window closes at 14:00 local either side
        assertThat(EVALUATOR.evaluate(PRODUCTION, "a", Instant.parse("2027-03-09T22:00:00Z"), List.of()).verdict())
                .isEqualTo(ScheduleVerdict.ALLOWED);
        assertThat(EVALUATOR.evaluate(PRODUCTION, "a", Instant.parse("2027-03-16T20:59:00Z"), List.of()).verdict())
                .isEqualTo(ScheduleVerdict.PREFERRED);
        assertThat(EVALUATOR.evaluate(PRODUCTION, "a", Instant.parse("2027-03-16T21:00:00Z"), List.of()).verdict())
                .isEqualTo(ScheduleVerdict.ALLOWED);
    }

    @Test
    void preferredWindowStaysAtTenPacificAcrossTheNovemberDstChange() {
        // DST ends 2027-11-07: Tuesday 11-02 is PDT (UTC-7), Tuesday 11-09 is PST (UTC-8)
        assertThat(EVALUATOR.evaluate(PRODUCTION, "a", Instant.parse("2027-11-02T17:00:00Z"), List.of()).verdict())
                .isEqualTo(ScheduleVerdict.PREFERRED);
        assertThat(EVALUATOR.evaluate(PRODUCTION, "a", Instant.parse("2027-11-09T17:00:00Z"), List.of()).verdict())
                .isEqualTo(ScheduleVerdict.ALLOWED);
        assertThat(EVALUATOR.evaluate(PRODUCTION, "a", Instant.parse("2027-11-09T18:00:00Z"), List.of()).verdict())
                .isEqualTo(ScheduleVerdict.PREFERRED);
        // the next preferred window named from Monday 08:00 is Tuesday 10:00 PST
        Evaluation monday = production("2027-11-08T08:00");
        assertThat(monday.verdict()).isEqualTo(ScheduleVerdict.ALLOWED);
        assertThat(monday.reasons()).anyMatch(r -> r.contains("next preferred window starts Tue 2027-11-09 10:00 PST"));
    }

    @Test
    void fridaysWeekendsAndLateNightsAreBlocked() {
        Evaluation friday = production("2026-12-04T11:00");
        assertThat(friday.verdict()).isEqualTo(ScheduleVerdict.BLOCKED);
        assertThat(friday.reasons()).anyMatch(r -> r.contains("avoids Fridays"));
        assertThat(friday.nextAllowedAt()).isEqualTo(pt("2026-12-07T07:00"));

        Evaluation saturday = production("2026-12-05T12:00");
        assertThat(saturday.verdict()).isEqualTo(ScheduleVerdict.BLOCKED);
        assertThat(saturday.reasons()).anyMatch(r -> r.contains("avoids Saturdays"));
        assertThat(saturday.nextAllowedAt()).isEqualTo(pt("2026-12-07T07:00"));
        assertThat(production("2026-12-06T12:00").reasons()).anyMatch(r -> r.contains("avoids Sundays"));

        Evaluation lateWednesday = production("2026-12-02T21:00");
        assertThat(lateWednesday.verdict()).isEqualTo(ScheduleVerdict.BLOCKED);
        assertThat(lateWednesday.reasons()).anyMatch(r -> r.contains("late nights 20:00–07:00"));
        assertThat(lateWednesday.nextAllowedAt()).isEqualTo(pt("2026-12-03T07:00"));
        assertThat(production("2026-12-02T19:59").verdict()).isEqualTo(ScheduleVerdict.ALLOWED);
        assertThat(production("2026-12-02T20:00").verdict()).isEqualTo(ScheduleVerdict.BLOCKED);
        assertThat(production("2026-12-03T06:59").verdict()).isEqualTo(ScheduleVerdict.BLOCKED);
        assertThat(production("2026-12-03T07:00").verdict()).isEqualTo(ScheduleVerdict.ALLOWED);
        // Thursday evening runs straight into Friday and the weekend: Monday 07:00
        assertThat(production("2026-12-03T20:30").nextAllowedAt()).isEqualTo(pt("2026-12-07T07:00"));
    }

    @Test
    void nextAllowedAtCrossesHolidayWeekends() {
        // Memorial Day 2027 (Monday 05-31) is a freeze: Friday → Tuesday 07:00 PDT
        Evaluation memorial = production("2027-05-28T11:00");
        assertThat(memorial.verdict()).isEqualTo(ScheduleVerdict.BLOCKED);
        assertThat(memorial.nextAllowedAt()).isEqualTo(Instant.parse("2027-06-01T14:00:00Z"));
        Evaluation onMemorialDay = production("2027-05-31T11:00");
        assertThat(onMemorialDay.freezes()).extracting(Freeze::name).containsExactly("Memorial Day");
        // Martin Luther King Day 2027 (Monday 01-18) is avoided (not a freeze): Friday → Tuesday 07:00 PST
        Evaluation mlk = production("2027-01-15T11:00");
        assertThat(mlk.nextAllowedAt()).isEqualTo(Instant.parse("2027-01-19T15:00:00Z"));
        assertThat(production("2027-01-18T11:00").reasons()).anyMatch(r -> r.contains("avoids holidays")
                && r.contains("Martin Luther King"));
        // Christmas 2027 observed Friday 12-24 and New Year 2028 on Saturday (observed Friday 12-31): Thursday 12-23 evening
        // → Monday 12-27 07:00 PST
        assertThat(production("2027-12-23T21:00").nextAllowedAt()).isEqualTo(Instant.parse("2027-12-27T15:00:00Z"));
    }

    @Test
    void adHocFreezeBlocksItsServicesAndNextAllowedAtSkipsIt() {
        Freeze superBowl = new Freeze("f-1", "Super Bowl traffic", Freeze.AD_HOC, pt("2027-02-09T00:00"),
                pt("2027-02-11T12:00"), "high-traffic event", Set.of(), Set.of("chat-api"), "admin");
        Evaluation inside = EVALUATOR.evaluate(PRODUCTION, "chat-api", pt("2027-02-10T11:00"), List.of(superBowl));
        assertThat(inside.verdict()).isEqualTo(ScheduleVerdict.BLOCKED);
        assertThat(inside.reasons()).anyMatch(r -> r.startsWith("freeze: Super Bowl traffic (ad-hoc, high-traffic event)"));
        assertThat(inside.nextAllowedAt()).isEqualTo(pt("2027-02-11T12:00"));
        // asked an hour before it ends: allowed at its end, not at the next window edge (14:00)
        assertThat(EVALUATOR.evaluate(PRODUCTION, "chat-api", pt("2027-02-11T11:00"), List.of(superBowl)).nextAllowedAt())
                .isEqualTo(pt("2027-02-11T12:00"));
        // a freeze ending inside a late night: allowed when the late night ends
        Freeze overnight = new Freeze("f-2", "Overnight migration", Freeze.AD_HOC, pt("2027-02-09T12:00"),
                pt("2027-02-10T02:00"), null, Set.of(), Set.of(), "admin");
        assertThat(EVALUATOR.evaluate(PRODUCTION, "billing", pt("2027-02-09T13:00"), List.of(overnight)).nextAllowedAt())
                .isEqualTo(pt("2027-02-10T07:00"));
        Evaluation other = EVALUATOR.evaluate(PRODUCTION, "billing", pt("2027-02-10T11:00"), List.of(superBowl));
        assertThat(other.verdict()).isEqualTo(ScheduleVerdict.PREFERRED);
        // not for staging: an untargeted ad-hoc freeze follows the environment's calendar-freeze setting
        assertThat(EVALUATOR.evaluate(STAGING, "chat-api", pt("2027-02-10T11:00"), List.of(superBowl)).verdict())
                .isEqualTo(ScheduleVerdict.ALLOWED);
    }

    @Test
    void openIncidentBlocksUntilResolvedWithNoNextAllowedTime() {
        Freeze incident = new Freeze("incident-INC-1", "incident INC-1: db down", Freeze.INCIDENT, pt("2026-12-01T09:00"),
                null, "open incident", Set.of(), Set.of(), "oncall");
        Evaluation e = EVALUATOR.evaluate(PRODUCTION, "chat-api", pt("2026-12-01T11:00"), List.of(incident));
        assertThat(e.verdict()).isEqualTo(ScheduleVerdict.BLOCKED);
        assertThat(e.nextAllowedAt()).isNull();
        assertThat(e.reasons()).anyMatch(r -> r.contains("until resolved"))
                .anyMatch(r -> r.contains("resolve the incident"));
    }

    @Test
    void stagingIsAllowedAnyTimeEvenOnBlackFridayAtMidnight() {
        Evaluation e = EVALUATOR.evaluate(STAGING, "chat-api", pt("2026-11-27T23:30"), List.of());
        assertThat(e.verdict()).isEqualTo(ScheduleVerdict.ALLOWED);
        assertThat(e.freezes()).isEmpty();
        assertThat(e.reasons()).containsExactly("allowed: no deploy window configured for staging");
    }

    @Test
    void lateNightRangeWrapsMidnight() {
        EnvironmentPolicy.LocalRange r = new EnvironmentPolicy.LocalRange(java.time.LocalTime.of(20, 0),
                java.time.LocalTime.of(7, 0));
        assertThat(r.contains(java.time.LocalTime.of(23, 59))).isTrue();
        assertThat(r.contains(java.time.LocalTime.of(0, 0))).isTrue();
        assertThat(r.contains(java.time.LocalTime.of(7, 0))).isFalse();
        assertThat(r.contains(java.time.LocalTime.of(19, 59))).isFalse();
    }
}
