package dev.avalo.scheduler.freeze;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;

import dev.avalo.contracts.Subjects;
import dev.avalo.contracts.schedule.ActiveFreeze;
import dev.avalo.contracts.schedule.FreezeEventData;
import dev.avalo.scheduler.incident.Incident;
import dev.avalo.scheduler.incident.IncidentStore;

/**
 * Notices freezes starting and ending by the injected clock and publishes {@code avalo.evt.schedule.freeze.started|ended} once
 * per freeze: calendar freezes, ad-hoc freezes and incident freezes alike. What was announced is stored, so a restart neither
 * repeats an event nor misses one (a freeze that ended while the scheduler was down is announced as ended on the first tick). A
 * failed publish gives the claim back and the next tick retries.
 */
public class FreezeWatcher {

    public static final String STARTED = "freeze.started";
    public static final String ENDED = "freeze.ended";

    private static final Logger LOG = Logger.getLogger(FreezeWatcher.class);

    private final FreezeCalendar calendar;
    private final FreezeStore freezes;
    private final IncidentStore incidents;
    private final AnnouncementStore announcements;
    private final EventSink sink;
    private final Subjects subjects;
    private final Clock clock;

    public FreezeWatcher(FreezeCalendar calendar, FreezeStore freezes, IncidentStore incidents,
            AnnouncementStore announcements, EventSink sink, Subjects subjects, Clock clock) {
        this.calendar = calendar;
        this.freezes = freezes;
        this.incidents = incidents;
        this.announcements = announcements;
        this.sink = sink;
        this.subjects = subjects;
        this.clock = clock;
    }

    /** Freezes in force at {@code now}, by id. */
    Map<String, Freeze> active(Instant now) {
        Map<String, Freeze> out = new LinkedHashMap<>();
        Instant just = now.plusMillis(1);
        for (Freeze f : calendar.freezes(now.minus(Duration.ofDays(1)), just)) {
            if (f.activeAt(now)) {
                out.put(f.id(), f);
            }
        }
        for (Freeze f : freezes.overlapping(now, just)) {
            out.put(f.id(), f);
        }
        for (Incident i : incidents.overlapping(now, just)) {
            out.put(i.freeze().id(), i.freeze());
        }
        return out;
    }

    /** One pass: announce what started and what ended; returns the events published. */
    public synchronized List<String> tick() {
        Instant now = clock.instant();
        Map<String, Freeze> active = active(now);
        List<String> published = new ArrayList<>();
        for (AnnouncementStore.Started s : announcements.open()) {
            if (active.containsKey(s.freeze().id())) {
                continue;
            }
            if (!announcements.claimEnd(s.freeze().id(), now)) {
                continue;
            }
            ActiveFreeze f = s.freeze();
            Instant end = f.endsAt() == null || f.endsAt().isAfter(now) ? now : f.endsAt();
            ActiveFreeze ended = new ActiveFreeze(f.id(), f.name(), f.kind(), f.startsAt(), end);
            try {
                sink.publish(subjects.scheduleEvent(ENDED), "avalo.schedule." + ENDED, "freeze-ended-" + f.id(),
                        f.id(), new FreezeEventData(ended, s.reason(), s.declaredBy()));
                published.add(ENDED + " " + f.id());
            } catch (RuntimeException e) {
                announcements.unclaimEnd(f.id());
                LOG.warnf("freeze %s ended, event not published yet (%s); will retry", f.id(), e.getMessage());
            }
        }
        for (Freeze f : active.values()) {
            if (!announcements.claimStart(f, now)) {
                continue;
            }
            try {
                sink.publish(subjects.scheduleEvent(STARTED), "avalo.schedule." + STARTED, "freeze-started-" + f.id(),
                        f.id(), new FreezeEventData(f.view(), f.reason(), f.declaredBy()));
                published.add(STARTED + " " + f.id());
            } catch (RuntimeException e) {
                announcements.unclaimStart(f.id());
                LOG.warnf("freeze %s started, event not published yet (%s); will retry", f.id(), e.getMessage());
            }
        }
        if (!published.isEmpty()) {
            LOG.infof("freeze events at %s: %s", now, published);
        }
        return published;
    }
}
