package dev.avalo.orchestrator.deployment;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import dev.avalo.orchestrator.config.OrchestratorConfig;

/** Builds the lifecycle {@link Decider} from configuration. */
@ApplicationScoped
public class DeciderProducer {

    @Produces
    @ApplicationScoped
    Decider decider(OrchestratorConfig config) {
        return new Decider(new Decider.Settings(config.health().warnAfter(), config.health().pauseAfter(),
                config.rollback().ackTimeout(), config.health().proceedAt(), config.health().continueAt(),
                config.health().pauseAt()));
    }
}
