package dev.avalo.orchestrator.config;

import java.time.Clock;

import jakarta.enterprise.event.Observes;

import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;

import dev.avalo.orchestrator.nats.NatsHandlers;
import dev.avalo.orchestrator.strategy.DefaultStrategies;
import dev.avalo.orchestrator.strategy.StrategyStore;

/** At start: seed the strategy document's strategies (never overwriting edits), connect NATS, subscribe. */
@jakarta.enterprise.context.ApplicationScoped
public class Bootstrap {

    void onStart(@Observes StartupEvent event, StrategyStore strategies, NatsHandlers handlers,
            dev.avalo.orchestrator.outbox.OutboxPublisher publisher, Clock clock, OrchestratorConfig config,
            dev.avalo.orchestrator.dashboard.DashboardHub dashboard) {
        QuarkusTransaction.requiringNew().run(() -> strategies.seed(DefaultStrategies.all(), clock.instant()));
        publisher.start();
        handlers.start();
        dashboard.start();
        Log.infof("orchestrator %s started (duration scale %s)", config.instanceId().orElse("-"),
                config.durationScale());
    }
}
