package dev.avalo.scheduler.config;

import java.time.DayOfWeek;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The scheduler's settings ({@code avalo.scheduler.*}). */
@ConfigMapping(prefix = "avalo.scheduler")
public interface SchedulerConfig {

    /** Per environment policy, keyed by environment name; an environment not listed here is refused as unknown. */
    Map<String, Environment> environments();

    /** The holiday calendar and the business freezes computed from it. */
    Holidays holidays();

    /** The freeze watcher that publishes freeze started/ended events. */
    Watch watch();

    /** Emergency overrides. */
    Override override();

    /** The iCalendar feed. */
    Calendar calendar();

    /** Zone for dates given without an offset ({@code at}, {@code from}, {@code to}, freeze times) unless one is named. */
    @WithDefault("America/Los_Angeles")
    String defaultZone();

    /** One environment's deploy windows; times are local {@code HH:mm} in {@link #zone()}. */
    interface Environment {

        /** IANA time zone of the windows. */
        @WithDefault("America/Los_Angeles")
        String zone();

        /** Days with a preferred window; none means no preferred window (every allowed time is ALLOWED). */
        Optional<List<DayOfWeek>> preferredDays();

        /** Preferred window start, {@code HH:mm}. */
        @WithDefault("10:00")
        String preferredStart();

        /** Preferred window end (exclusive), {@code HH:mm}. */
        @WithDefault("14:00")
        String preferredEnd();

        /** Days on which changes are blocked. */
        Optional<List<DayOfWeek>> avoidDays();

        /** Blocked late-night range {@code HH:mm-HH:mm}, may wrap midnight ({@code 20:00-07:00}); none when absent. */
        Optional<String> lateNight();

        /** Whether every public holiday of the calendar is blocked. */
        @WithDefault("false")
        boolean avoidHolidays();

        /** Whether calendar freezes (major holidays, Black Friday–Cyber Monday) and untargeted ad-hoc freezes apply. */
        @WithDefault("false")
        boolean calendarFreezes();

        /** Whether open incidents freeze this environment. */
        @WithDefault("false")
        boolean incidentFreezes();
    }

    /** The holiday calendar. */
    interface Holidays {

        /** Jollyday calendar code. */
        @WithDefault("US")
        String country();

        /** Zone whose local days holiday and Black Friday–Cyber Monday freezes cover. */
        @WithDefault("America/Los_Angeles")
        String zone();

        /** Jollyday keys of the holidays that are freezes; the other public holidays are avoided days. */
        @WithDefault("NEW_YEAR,MEMORIAL_DAY,INDEPENDENCE_DAY,LABOUR_DAY,THANKSGIVING,CHRISTMAS")
        List<String> major();

        /** Whether Black Friday through Cyber Monday is a freeze. */
        @WithDefault("true")
        boolean blackFridayCyberMonday();
    }

    /** The freeze watcher. */
    interface Watch {

        /** How often freezes starting or ending are looked for ({@code off} in tests, which tick by hand). */
        @WithDefault("30s")
        String every();
    }

    /** Emergency overrides. */
    interface Override {

        /**
         * Whether an emergency on NATS without an {@code Authorization} header is accepted as already authorised by the caller
         * (the orchestrator requires the approver role before it forwards one). Restrict who may publish on
         * {@code avalo.cmd.schedule.check} with NATS permissions when this is on.
         */
        @WithDefault("true")
        boolean trustNatsCaller();
    }

    /** The iCalendar feed. */
    interface Calendar {

        /** Whether {@code /api/v1/calendar.ics} is readable without a token (for calendar apps subscribing by URL). */
        @io.smallrye.config.WithName("public")
        @WithDefault("false")
        boolean isPublic();
    }
}
