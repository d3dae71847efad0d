package dev.avalo.health.verdict;

import java.time.Clock;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;

import dev.avalo.contracts.health.HealthReport;
import dev.avalo.health.nats.HealthNats;
import dev.avalo.health.report.LatestReports;
import dev.avalo.health.report.ReportOutlet;
import dev.avalo.health.report.ScoreGauges;
import dev.avalo.health.rule.RuleStore;

/** Starts NATS and drives the engine every second: rules checked, due reports published and exported as gauges. */
@ApplicationScoped
public class Clockwork {

    private final HealthEngine engine;
    private final HealthNats nats;
    private final Clock clock;
    private final RuleStore ruleStore;
    private final ReportOutlet outlet;

    public Clockwork(HealthEngine engine, HealthNats nats, ScoreGauges gauges, Clock clock, RuleStore ruleStore,
            LatestReports latest) {
        this.engine = engine;
        this.nats = nats;
        this.outlet = new ReportOutlet(nats::publish, latest, gauges);
        this.clock = clock;
        this.ruleStore = ruleStore;
    }

    void start(@Observes StartupEvent event) {
        nats.start();
        ruleStore.start(nats.connection());
    }

    @Scheduled(every = "${avalo.health.tick-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, identity = "health-tick")
    void scheduled() {
        try {
            tick();
        } catch (RuntimeException e) {
            Log.errorf(e, "health tick failed");
        }
    }

    /**
     * One tick at the clock's current time; returns the reports it published ({@link ReportOutlet}: each encoded once, its JSON
     * published and kept as the service's latest report, its figures exported as gauges).
     */
    public List<HealthReport> tick() {
        List<HealthReport> reports = engine.tick(clock.instant());
        outlet.accept(reports);
        return reports;
    }
}
