package dev.avalo.scheduler.ical;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

import dev.avalo.scheduler.freeze.Freeze;
import dev.avalo.scheduler.window.EnvironmentPolicy;

import net.fortuna.ical4j.data.CalendarOutputter;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.component.VEvent;
import net.fortuna.ical4j.model.property.Categories;
import net.fortuna.ical4j.model.property.Description;
import net.fortuna.ical4j.model.property.DtStamp;
import net.fortuna.ical4j.model.property.ProdId;
import net.fortuna.ical4j.model.property.Uid;
import net.fortuna.ical4j.model.property.XProperty;
import net.fortuna.ical4j.model.property.immutable.ImmutableCalScale;
import net.fortuna.ical4j.model.property.immutable.ImmutableMethod;
import net.fortuna.ical4j.model.property.immutable.ImmutableTransp;
import net.fortuna.ical4j.model.property.immutable.ImmutableVersion;

/**
 * An RFC 5545 calendar (ical4j) of the freezes and preferred deploy windows in a range: freezes are opaque events (category
 * {@code FREEZE}), windows transparent ones (category {@code DEPLOY-WINDOW}), all in UTC so a subscriber needs no time-zone
 * table. An open incident ends at the range's end. UIDs are stable, so a subscribed calendar updates in place.
 */
public final class CalendarFeed {

    /** The media type. */
    public static final String MEDIA_TYPE = "text/calendar";

    private static final String DOMAIN = "@avalo-scheduler";

    private CalendarFeed() {
    }

    public static String render(List<Freeze> freezes, List<EnvironmentPolicy> policies, Instant from, Instant to,
            Instant now) {
        Calendar calendar = new Calendar();
        calendar.add(new ProdId("-//Avalo Deploy//scheduler//EN"));
        calendar.add(ImmutableVersion.VERSION_2_0);
        calendar.add(ImmutableCalScale.GREGORIAN);
        calendar.add(ImmutableMethod.PUBLISH);
        calendar.add(new XProperty("X-WR-CALNAME", "Avalo deploy windows and freezes"));
        for (Freeze f : freezes) {
            Instant end = f.endsAt() == null
                    ? (to.isAfter(f.startsAt()) ? to : f.startsAt().plusSeconds(3600))
                    : f.endsAt();
            String summary = "Deploy freeze: " + f.name() + (f.endsAt() == null ? " (open)" : "");
            VEvent event = new VEvent(f.startsAt(), end, summary);
            event.add(new Uid(f.id() + DOMAIN));
            event.replace(new DtStamp(now));
            event.add(new Categories("FREEZE," + f.kind().toUpperCase(java.util.Locale.ROOT)));
            event.add(ImmutableTransp.OPAQUE);
            StringBuilder d = new StringBuilder("kind: ").append(f.kind());
            if (f.reason() != null) {
                d.append("\nreason: ").append(f.reason());
            }
            if (!f.environments().isEmpty()) {
                d.append("\nenvironments: ").append(String.join(", ", f.environments()));
            }
            if (!f.services().isEmpty()) {
                d.append("\nservices: ").append(String.join(", ", f.services()));
            }
            if (f.declaredBy() != null) {
                d.append("\ndeclared by: ").append(f.declaredBy());
            }
            event.add(new Description(d.toString()));
            calendar.add(event);
        }
        for (EnvironmentPolicy p : policies) {
            if (!p.hasPreferredWindow()) {
                continue;
            }
            ZoneId zone = p.zone();
            LocalDate day = from.atZone(zone).toLocalDate();
            LocalDate last = to.atZone(zone).toLocalDate();
            for (; !day.isAfter(last); day = day.plusDays(1)) {
                if (!p.preferredDays().contains(day.getDayOfWeek())) {
                    continue;
                }
                Instant start = day.atTime(p.preferredStart()).atZone(zone).toInstant();
                Instant end = day.atTime(p.preferredEnd()).atZone(zone).toInstant();
                if (!start.isBefore(to) || !end.isAfter(from)) {
                    continue;
                }
                VEvent event = new VEvent(start, end, "Preferred deploy window (" + p.environment() + ")");
                event.add(new Uid("window-" + p.environment() + "-" + day + DOMAIN));
                event.replace(new DtStamp(now));
                event.add(new Categories("DEPLOY-WINDOW"));
                event.add(ImmutableTransp.TRANSPARENT);
                event.add(new Description(p.environment() + ": preferred " + p.preferredStart() + "–"
                        + p.preferredEnd() + " " + zone.getId() + "; a freeze overlapping it still blocks"));
                calendar.add(event);
            }
        }
        StringWriter out = new StringWriter();
        try {
            new CalendarOutputter(false).output(calendar, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
