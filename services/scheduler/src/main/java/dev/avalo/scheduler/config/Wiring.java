package dev.avalo.scheduler.config;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import dev.avalo.scheduler.audit.AuditStore;
import dev.avalo.scheduler.check.ScheduleEvaluator;
import dev.avalo.scheduler.check.ScheduleService;
import dev.avalo.scheduler.db.Jdbc;
import dev.avalo.scheduler.freeze.AnnouncementStore;
import dev.avalo.scheduler.freeze.FreezeCalendar;
import dev.avalo.scheduler.freeze.FreezeService;
import dev.avalo.scheduler.freeze.FreezeStore;
import dev.avalo.scheduler.freeze.FreezeWatcher;
import dev.avalo.scheduler.incident.IncidentService;
import dev.avalo.scheduler.incident.IncidentStore;
import dev.avalo.scheduler.nats.SchedulerNats;
import dev.avalo.scheduler.override.OverrideStore;
import dev.avalo.scheduler.window.Policies;

/** Wires the plain stores and services (no Quarkus inside them) into CDI. */
@ApplicationScoped
public class Wiring {

    @Produces
    @ApplicationScoped
    FreezeStore freezeStore(Jdbc jdbc) {
        return new FreezeStore(jdbc);
    }

    @Produces
    @ApplicationScoped
    IncidentStore incidentStore(Jdbc jdbc) {
        return new IncidentStore(jdbc);
    }

    @Produces
    @ApplicationScoped
    OverrideStore overrideStore(Jdbc jdbc) {
        return new OverrideStore(jdbc);
    }

    @Produces
    @ApplicationScoped
    AuditStore auditStore(Jdbc jdbc) {
        return new AuditStore(jdbc);
    }

    @Produces
    @ApplicationScoped
    AnnouncementStore announcementStore(Jdbc jdbc) {
        return new AnnouncementStore(jdbc);
    }

    @Produces
    @ApplicationScoped
    FreezeWatcher freezeWatcher(FreezeCalendar calendar, FreezeStore freezes, IncidentStore incidents,
            AnnouncementStore announcements, SchedulerNats nats, Clock clock) {
        return new FreezeWatcher(calendar, freezes, incidents, announcements, nats, nats.subjects(), clock);
    }

    @Produces
    @ApplicationScoped
    ScheduleService scheduleService(Policies policies, ScheduleEvaluator evaluator, FreezeStore freezes,
            IncidentStore incidents, OverrideStore overrides, AuditStore audit, Jdbc jdbc, Clock clock) {
        return new ScheduleService(policies, evaluator, freezes, incidents, overrides, audit, jdbc, clock);
    }

    @Produces
    @ApplicationScoped
    FreezeService freezeService(FreezeCalendar calendar, FreezeStore store, IncidentStore incidents, AuditStore audit,
            Jdbc jdbc, Policies policies, FreezeWatcher watcher, SchedulerConfig config, Clock clock) {
        return new FreezeService(calendar, store, incidents, audit, jdbc, policies, watcher,
                Policies.zone("avalo.scheduler.default-zone", config.defaultZone()), clock);
    }

    @Produces
    @ApplicationScoped
    IncidentService incidentService(IncidentStore store, AuditStore audit, Jdbc jdbc, FreezeWatcher watcher,
            SchedulerNats nats, Clock clock) {
        return new IncidentService(store, audit, jdbc, watcher, nats, nats.subjects(), clock);
    }
}
