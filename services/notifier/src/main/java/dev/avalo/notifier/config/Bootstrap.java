package dev.avalo.notifier.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;

import dev.avalo.notifier.delivery.Dispatcher;
import dev.avalo.notifier.nats.EventIntake;
import dev.avalo.notifier.nats.NotifierNats;

/**
 * Starts the dispatcher and the NATS consumer at boot (retrying NATS while it is down); at shutdown stops consuming first,
 * commits what the inbox holds, then lets sends in flight finish and records them, so a clean stop loses and doubles nothing.
 */
@ApplicationScoped
public class Bootstrap {

    private final NotifierNats nats;
    private final EventIntake intake;
    private final Dispatcher dispatcher;

    public Bootstrap(NotifierNats nats, EventIntake intake, Dispatcher dispatcher) {
        this.nats = nats;
        this.intake = intake;
        this.dispatcher = dispatcher;
    }

    void onStart(@Observes StartupEvent event) {
        dispatcher.start();
        nats.start(intake::handle);
    }

    @Scheduled(every = "5s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void retryNats() {
        nats.ensureStarted();
    }

    void onStop(@Observes ShutdownEvent event) {
        nats.stopConsuming();
        intake.inbox().close();
        dispatcher.close();
    }
}
