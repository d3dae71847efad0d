package dev.avalo.orchestrator.timer;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;

import dev.avalo.orchestrator.config.OrchestratorConfig;
import dev.avalo.orchestrator.deployment.DeploymentService;

/**
 * Picks up due deadlines (stage ends, bake ends, missing health data, rollback ack timeouts, blue archive) on any replica.
 * {@link #tick()} is public so tests step the clock and sweep without waiting.
 */
@ApplicationScoped
public class DeadlineSweeper {

    private final DeploymentService service;
    private final OrchestratorConfig config;
    private final Timer sweeps;
    private final io.micrometer.core.instrument.Counter swept;

    public DeadlineSweeper(DeploymentService service, OrchestratorConfig config, MeterRegistry registry) {
        this.service = service;
        this.config = config;
        this.sweeps = Timer.builder("avalo.sweep.duration").description("one sweep of due deadlines, all batches")
                .publishPercentiles(0.5, 0.99).register(registry);
        this.swept = registry.counter("avalo.sweep.deployments");
    }

    @Scheduled(every = "${avalo.orchestrator.sweep.every:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void scheduled() {
        try {
            tick();
        } catch (RuntimeException e) {
            Log.warnf("deadline sweep failed: %s", e.getMessage());
        }
    }

    /** Sweeps until no due deadline is left; returns how many deployments were looked at. */
    public int tick() {
        Timer.Sample sample = Timer.start();
        int total = 0;
        int n;
        int rounds = 0;
        do {
            n = service.sweep(config.sweep().batch());
            total += n;
        } while (n == config.sweep().batch() && ++rounds < 100);
        if (total > 0) {
            sample.stop(sweeps);
            swept.increment(total);
        }
        return total;
    }
}
