package dev.avalo.scheduler.ical;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.avalo.scheduler.freeze.Freeze;
import dev.avalo.scheduler.freeze.FreezeCalendar;
import dev.avalo.scheduler.window.EnvironmentPolicy;

import net.fortuna.ical4j.data.CalendarBuilder;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.Property;
import net.fortuna.ical4j.model.component.VEvent;

class CalendarFeedTest {

    static final ZoneId PACIFIC = ZoneId.of("America/Los_Angeles");
    static final FreezeCalendar CALENDAR = new FreezeCalendar("US", PACIFIC, Set.of("THANKSGIVING", "CHRISTMAS"), true);

    static Calendar parse(String ics) throws Exception {
        return new CalendarBuilder().build(new StringReader(ics));
    }

    static String value(VEvent e, String property) {
        return e.getProperty(property).map(Property::getValue).orElseThrow();
    }

    @Test
    void feedParsesBackWithFreezesAndWindowsAtTenPacificAcrossDst() throws Exception {
        Instant from = Instant.parse("2026-11-20T00:00:00Z");
        Instant to = Instant.parse("2026-12-10T00:00:00Z");
        Freeze incident = new Freeze("incident-INC-9", "incident INC-9: payments", Freeze.INCIDENT,
                Instant.parse("2026-12-08T19:00:00Z"), null, "open incident", Set.of(), Set.of("pay"), "oncall");
        List<Freeze> freezes = new java.util.ArrayList<>(CALENDAR.freezes(from, to));
        freezes.add(incident);
        String ics = CalendarFeed.render(freezes, List.of(EnvironmentPolicy.strategyProduction(),
                EnvironmentPolicy.anyTime("staging", PACIFIC)), from, to, Instant.parse("2026-11-19T12:00:00Z"));
        assertThat(ics).startsWith("BEGIN:VCALENDAR").contains("VERSION:2.0").contains("PRODID:-//Avalo Deploy//scheduler//EN");

        Calendar parsed = parse(ics);
        List<VEvent> events = parsed.getComponents("VEVENT");
        VEvent bfcm = events.stream().filter(e -> value(e, "UID").equals("bfcm-2026@avalo-scheduler")).findFirst()
                .orElseThrow();
        assertThat(value(bfcm, "SUMMARY")).isEqualTo("Deploy freeze: Black Friday / Cyber Monday");
        assertThat(value(bfcm, "DTSTART")).isEqualTo("20261127T080000Z");
        assertThat(value(bfcm, "DTEND")).isEqualTo("20261201T080000Z");
        assertThat(value(bfcm, "TRANSP")).isEqualTo("OPAQUE");
        assertThat(value(bfcm, "DTSTAMP")).isEqualTo("20261119T120000Z");
        assertThat(events).anySatisfy(e -> assertThat(value(e, "SUMMARY")).isEqualTo("Deploy freeze: Thanksgiving Day"));
        VEvent open = events.stream().filter(e -> value(e, "UID").equals("incident-INC-9@avalo-scheduler")).findFirst()
                .orElseThrow();
        assertThat(value(open, "SUMMARY")).endsWith("(open)");
        assertThat(value(open, "DTEND")).isEqualTo("20261210T000000Z");
        assertThat(value(open, "DESCRIPTION")).contains("services: pay");

        // preferred windows: Tue-Thu only, production only (staging has none); 10:00 PST = 18:00Z
        List<VEvent> windows = events.stream().filter(e -> value(e, "CATEGORIES").equals("DEPLOY-WINDOW")).toList();
        assertThat(windows).extracting(e -> value(e, "UID")).contains("window-production-2026-12-01@avalo-scheduler")
                .doesNotContain("window-production-2026-11-27@avalo-scheduler")
                .noneMatch(uid -> uid.contains("staging"));
        VEvent tuesday = windows.stream().filter(e -> value(e, "UID").contains("2026-12-01")).findFirst().orElseThrow();
        assertThat(value(tuesday, "DTSTART")).isEqualTo("20261201T180000Z");
        assertThat(value(tuesday, "DTEND")).isEqualTo("20261201T220000Z");
        assertThat(value(tuesday, "TRANSP")).isEqualTo("TRANSPARENT");
        // three weeks from Fri 11-20 to Wed 12-09 hold Tue-Thu 11-24..26, 12-01..03, 12-08..09
        assertThat(windows).hasSize(8);

        // a window after the March DST change is still at 10:00 local (17:00Z)
        String march = CalendarFeed.render(List.of(), List.of(EnvironmentPolicy.strategyProduction()),
                Instant.parse("2027-03-08T00:00:00Z"), Instant.parse("2027-03-20T00:00:00Z"), Instant.EPOCH);
        List<VEvent> marchWindows = parse(march).getComponents("VEVENT");
        assertThat(marchWindows).extracting(e -> value(e, "DTSTART")).containsExactly("20270309T180000Z",
                "20270310T180000Z", "20270311T180000Z", "20270316T170000Z", "20270317T170000Z", "20270318T170000Z");
    }
}
