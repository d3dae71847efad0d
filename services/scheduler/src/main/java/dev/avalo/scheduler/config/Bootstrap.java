package dev.avalo.scheduler.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;

import dev.avalo.scheduler.check.ScheduleService;
import dev.avalo.scheduler.freeze.FreezeWatcher;
import dev.avalo.scheduler.incident.IncidentService;
import dev.avalo.scheduler.nats.SchedulerNats;

/** Starts NATS at boot (retrying while it is down) and runs the freeze watcher on its timer. */
@ApplicationScoped
public class Bootstrap {

    private final SchedulerNats nats;
    private final ScheduleService schedule;
    private final IncidentService incidents;
    private final FreezeWatcher watcher;

    public Bootstrap(SchedulerNats nats, ScheduleService schedule, IncidentService incidents, FreezeWatcher watcher) {
        this.nats = nats;
        this.schedule = schedule;
        this.incidents = incidents;
        this.watcher = watcher;
    }

    void onStart(@Observes StartupEvent event) {
        nats.start(schedule, incidents);
    }

    @Scheduled(every = "5s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void retryNats() {
        nats.ensureStarted();
    }

    @Scheduled(every = "${avalo.scheduler.watch.every:30s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void watch() {
        try {
            watcher.tick();
        } catch (RuntimeException e) {
            io.quarkus.logging.Log.warnf("freeze watch failed: %s", e.getMessage());
        }
    }
}
