package dev.avalo.health.config;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.avalo.health.gate.GateSettings;
import dev.avalo.health.gate.StageGates;
import dev.avalo.health.rule.RuleEvaluator;
import dev.avalo.health.rule.RuleParser;
import dev.avalo.health.rule.RuleRegistry;
import dev.avalo.health.rule.RuleSettings;
import dev.avalo.health.score.Components;
import dev.avalo.health.score.ScoreSettings;
import dev.avalo.health.score.Scorer;
import dev.avalo.health.source.alertmanager.AlertBook;
import dev.avalo.health.source.custom.CustomMetrics;
import dev.avalo.health.stats.Wilson;
import dev.avalo.health.verdict.Assessor;
import dev.avalo.health.verdict.HealthEngine;

/** Builds the plain domain objects from {@link HealthConfig}. Fails the start on invalid settings. */
@ApplicationScoped
public class DomainProducer {

    private final HealthConfig config;

    public DomainProducer(HealthConfig config) {
        this.config = config;
    }

    @Produces
    @Singleton
    RuleRegistry rules() {
        // a rule may look back as far as the windows reach: the retention minus the seconds not yet complete
        java.time.Duration lookback = config.retention().minus(config.settle()).minusSeconds(1);
        if (lookback.compareTo(java.time.Duration.ofMinutes(10)) < 0) {
            throw new IllegalStateException("avalo.health.retention must keep at least 10 minutes plus the settle time "
                    + "for the strategy's longest rule, got " + config.retention());
        }
        return new RuleRegistry(new RuleParser(lookback, config.rules().relativeWindow()));
    }

    @Produces
    @Singleton
    AlertBook alerts(java.time.Clock clock) {
        return switch (config.alerts().source()) {
            case "alertmanager" -> new AlertBook(true, config.alerts().heartbeat().orElse(null),
                    config.alerts().heartbeatMaxAge(), clock);
            case "none" -> new AlertBook(false);
            default -> throw new IllegalStateException("avalo.health.alerts.source must be alertmanager or none, got '"
                    + config.alerts().source() + "'");
        };
    }

    @Produces
    @Singleton
    CustomMetrics customMetrics() {
        return new CustomMetrics(config.maxSkew());
    }

    @Produces
    @Singleton
    HealthEngine engine(RuleRegistry rules, AlertBook alerts) {
        Wilson breachBound = new Wilson(config.rules().confidence());
        Wilson gateBound = new Wilson(config.gates().confidence());
        HealthConfig.Score s = config.score();
        ScoreSettings score = new ScoreSettings(Map.of(Components.ERROR_RATE, s.weightErrorRate(), Components.LATENCY,
                s.weightLatency(), Components.THROUGHPUT, s.weightThroughput(), Components.RESOURCE, s.weightResource(),
                Components.USER_IMPACT, s.weightUserImpact()), s.errorRateZeroAt(), s.latencyGoodMs(), s.latencyZeroMs(),
                s.proceedAt(), s.continueAt(), s.pauseAt());
        HealthConfig.Rules r = config.rules();
        RuleSettings ruleSettings = new RuleSettings(breachBound, new Wilson(r.sliceConfidence()),
                (int) r.resolution().toSeconds(),
                (int) r.gaugeStale().toSeconds(), (int) r.instantWindow().toSeconds(), r.minReferenceRequests());
        GateSettings d = GateSettings.defaults();
        HealthConfig.GatesConfig g = config.gates();
        GateSettings gates = new GateSettings(d.errorRatePercent(), d.p95Millis(), d.successRatePercent(),
                g.baselineTolerancePercent(), g.paymentFailurePercent(), d.cpuPercent(), d.memoryPercent(),
                d.diskPercent(), d.sessionFailurePercent(), d.authFailurePercent(), r.minReferenceRequests(),
                g.abLatencyEffect(), g.abErrorMarginPercent());
        Scorer scorer = new Scorer(score);
        RuleEvaluator evaluator = new RuleEvaluator(ruleSettings);
        StageGates stageGates = new StageGates(gates, gateBound, ruleSettings.gaugeStaleSeconds());
        Assessor.Settings assessorSettings = new Assessor.Settings((int) config.scoreWindow().toSeconds(),
                (int) config.settle().toSeconds(), config.scoreMinRequests());
        return new HealthEngine(new HealthEngine.Settings((int) config.retention().toSeconds(),
                (int) config.baselineWindow().toSeconds(), (int) config.reportInterval().toSeconds(), g.stages(),
                breachBound.describe() + " for breaches and score bands, " + gateBound.describe() + " for gates"),
                () -> new Assessor(scorer, evaluator, stageGates, assessorSettings), rules, alerts);
    }
}
