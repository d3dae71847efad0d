package dev.avalo.health.verdict;

import static dev.avalo.health.Traffic.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import dev.avalo.contracts.deployment.DeploymentView;
import dev.avalo.contracts.deployment.StageView;
import dev.avalo.contracts.health.HealthReport;
import dev.avalo.contracts.health.Verdict;
import dev.avalo.contracts.metrics.RouterMetricsSample;
import dev.avalo.contracts.metrics.StatusCounts;
import dev.avalo.contracts.route.DesiredRoute;
import dev.avalo.contracts.route.RouteTarget;
import dev.avalo.health.gate.GateSettings;
import dev.avalo.health.gate.StageGates;
import dev.avalo.health.rule.RuleEvaluator;
import dev.avalo.health.rule.RuleParser;
import dev.avalo.health.rule.RuleRegistry;
import dev.avalo.health.rule.RuleSettings;
import dev.avalo.health.score.ScoreSettings;
import dev.avalo.health.score.Scorer;
import dev.avalo.health.source.alertmanager.AlertBook;
import dev.avalo.health.source.custom.CustomMetrics;
import dev.avalo.health.source.router.RouterSamples;
import dev.avalo.health.stats.Wilson;
import dev.avalo.health.window.Histograms;
import dev.avalo.health.window.MetricKind;

class HealthEngineTest {

    private final AlertBook alerts = new AlertBook(true);
    private final RuleRegistry rules = new RuleRegistry(RuleParser.defaults());
    private final HealthEngine engine = engine(rules, alerts);

    private static DeploymentView deployment(String state, String stage, int weight, long stageStart, long updated) {
        return new DeploymentView("d-1", "chat-api", "production", "v1", "v2", state,
                new StageView(0, stage, weight, Instant.ofEpochSecond(stageStart), 900), null, "production", true, null,
                "alice", Instant.ofEpochSecond(T0), Instant.ofEpochSecond(updated));
    }

    private void router(String revision, long t, long requests, long errors) {
        Histogram h = Histograms.create();
        h.recordValueWithCount(50_000, requests);
        engine.addRouter(RouterSamples.validate(new RouterMetricsSample("r-1", "chat-api", "production", revision,
                "x", Instant.ofEpochSecond(t), 1000, requests, errors, new StatusCounts(requests - errors, 0, 0, errors),
                Histograms.encode(h), 1, requests)));
    }

    @Test
    void judgesOnlyLiveDeploymentsAndForgetsFinishedOnes() {
        assertThat(engine.tick(Instant.ofEpochSecond(T0))).isEmpty();
        engine.onDeployment(deployment("RUNNING", "canary-1", 100, T0, T0));
        assertThat(engine.live("chat-api", "production")).hasValueSatisfying(c -> {
            assertThat(c.canaryRevision()).isEqualTo("v2");
            assertThat(c.stableRevision()).isEqualTo("v1");
            assertThat(c.canaryShare()).isEqualTo(0.01);
            assertThat(c.stageGates()).containsExactly("error-rate", "latency-p95", "success-rate", "no-critical-alerts");
        });
        List<HealthReport> first = engine.tick(Instant.ofEpochSecond(T0 + 1));
        assertThat(first).singleElement().satisfies(r -> assertThat(r.verdict()).isEqualTo(Verdict.INSUFFICIENT_DATA));

        engine.onDeployment(deployment("SUCCEEDED", "full", 10000, T0 + 10, T0 + 10));
        assertThat(engine.live("chat-api", "production")).isEmpty();
        assertThat(engine.tick(Instant.ofEpochSecond(T0 + 20))).isEmpty();
    }

    @Test
    void theStrategysOwnGateListWinsOverTheSeededOne() {
        DeploymentView edited = new DeploymentView("d-1", "chat-api", "production", "v1", "v2", "RUNNING",
                new StageView(0, "canary-1", 100, Instant.ofEpochSecond(T0), 900, List.of("error-rate", "payment-success")),
                null, "production", true, null, "alice", Instant.ofEpochSecond(T0), Instant.ofEpochSecond(T0));
        engine.onDeployment(edited);
        assertThat(engine.live("chat-api", "production")).hasValueSatisfying(
                c -> assertThat(c.stageGates()).containsExactly("error-rate", "payment-success"));

        // a sender that leaves the list out (an older orchestrator) gets the seeded strategy's gates for the stage
        engine.onDeployment(deployment("RUNNING", "canary-1", 100, T0, T0 + 1));
        assertThat(engine.live("chat-api", "production")).hasValueSatisfying(c -> assertThat(c.stageGates())
                .containsExactly("error-rate", "latency-p95", "success-rate", "no-critical-alerts"));
    }

    @Test
    void olderEventsDoNotUndoNewerOnes() {
        engine.onDeployment(deployment("RUNNING", "canary-10", 1000, T0 + 100, T0 + 100));
        engine.onDeployment(deployment("RUNNING", "canary-1", 100, T0, T0));
        assertThat(engine.live("chat-api", "production").orElseThrow().stageName()).isEqualTo("canary-10");
    }

    @Test
    void aNewStageRestartsTheGateTotalsAndTheRouteKeepsTheShareCurrent() {
        engine.onDeployment(deployment("RUNNING", "canary-1", 100, T0, T0));
        for (long t = T0; t < T0 + 100; t++) {
            router("v2", t, 10, 5);
            router("v1", t, 990, 0);
        }
        HealthReport bad = engine.tick(Instant.ofEpochSecond(T0 + 101)).get(0);
        assertThat(bad.gates()).filteredOn(g -> g.gate().equals("error-rate"))
                .singleElement().satisfies(g -> assertThat(g.status()).isEqualTo("FAIL"));

        engine.onDeployment(deployment("RUNNING", "canary-10", 1000, T0 + 101, T0 + 101));
        for (long t = T0 + 101; t < T0 + 400; t++) {
            router("v2", t, 100, 0);
            router("v1", t, 900, 0);
        }
        HealthReport fresh = engine.tick(Instant.ofEpochSecond(T0 + 401)).get(0);
        assertThat(fresh.gates()).filteredOn(g -> g.gate().equals("error-rate"))
                .singleElement().satisfies(g -> {
                    assertThat(g.status()).isEqualTo("PASS");
                    assertThat(g.samples()).isEqualTo(100L * 299);
                });

        engine.onRoute(new DesiredRoute("chat-api", "production", 7, new RouteTarget("v1", List.of("http://a")),
                new RouteTarget("v2", List.of("http://b")), 2500, null, "stage 3"), Instant.ofEpochSecond(T0 + 402));
        assertThat(engine.live("chat-api", "production").orElseThrow().canaryShare()).isEqualTo(0.25);
    }

    @Test
    void aNewBreachIsReportedAtOnceAndOtherwiseEveryInterval() {
        engine.onDeployment(deployment("RUNNING", "canary-1", 100, T0, T0));
        CustomMetrics validator = new CustomMetrics(java.time.Duration.ofSeconds(30));
        assertThat(engine.tick(Instant.ofEpochSecond(T0 + 1))).hasSize(1);
        assertThat(engine.tick(Instant.ofEpochSecond(T0 + 2))).isEmpty();
        engine.addCustom("chat-api", "production", validator.validate(new dev.avalo.contracts.metrics.CustomMetric("v2",
                "payment_failures", 2, "counter", Instant.ofEpochSecond(T0 + 1)), "", Instant.ofEpochSecond(T0 + 2)));
        List<HealthReport> now = engine.tick(Instant.ofEpochSecond(T0 + 3));
        assertThat(now).singleElement().satisfies(r -> {
            assertThat(r.verdict()).isEqualTo(Verdict.ROLLBACK);
            assertThat(r.breaches()).extracting(b -> b.ruleId()).containsExactly("payment-failures-10m");
        });
        assertThat(engine.tick(Instant.ofEpochSecond(T0 + 4))).as("still breached, not new").isEmpty();
        assertThat(engine.tick(Instant.ofEpochSecond(T0 + 8))).hasSize(1);
    }

    /**
     * Canaries seen together (a scorer restart, deployments started in the same second) report on every second of the interval,
     * and which canary reports in which second follows from the inputs alone: the order the cores finished the services in (the
     * tick spreads 600 over them) must not matter, so two engines fed the same report the same canaries each second.
     */
    @Test
    void canariesSeenTogetherSpreadTheirReportsOverTheIntervalTheSameWayEveryTime() {
        HealthEngine[] engines = {engine(new RuleRegistry(RuleParser.defaults()), new AlertBook(true)),
                engine(new RuleRegistry(RuleParser.defaults()), new AlertBook(true))};
        for (HealthEngine e : engines) {
            for (int i = 0; i < 600; i++) {
                e.onDeployment(new DeploymentView("d-" + i, "svc-" + i, "production", "v1", "v2", "RUNNING",
                        new StageView(0, "canary-1", 100, Instant.ofEpochSecond(T0), 900), null, "production", true, null,
                        "alice", Instant.ofEpochSecond(T0), Instant.ofEpochSecond(T0)));
            }
        }
        assertThat(engines[0].tick(Instant.ofEpochSecond(T0 + 1))).as("every first report at once").hasSize(600);
        assertThat(engines[1].tick(Instant.ofEpochSecond(T0 + 1))).hasSize(600);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (long t = T0 + 2; t <= T0 + 6; t++) {
            List<String> first = services(engines[0].tick(Instant.ofEpochSecond(t)));
            List<String> second = services(engines[1].tick(Instant.ofEpochSecond(t)));
            assertThat(first).as("second %d", t - T0).hasSize(120);
            assertThat(second).as("second %d: the same canaries as the other engine", t - T0)
                    .containsExactlyInAnyOrderElementsOf(first);
            seen.addAll(first);
        }
        assertThat(seen).as("each canary once per interval").hasSize(600);
    }

    /** An engine with the default settings, assessors and rules of {@code rules}, alerts from {@code alerts}. */
    private static HealthEngine engine(RuleRegistry rules, AlertBook alerts) {
        return new HealthEngine(new HealthEngine.Settings(660, 300, 5, Map.of(), "Wilson 95%"),
                () -> new Assessor(new Scorer(ScoreSettings.defaults()), new RuleEvaluator(RuleSettings.defaults()),
                        new StageGates(GateSettings.defaults(), Wilson.ninetyFive(), 60), Assessor.Settings.defaults()),
                rules, alerts);
    }

    private static List<String> services(List<HealthReport> reports) {
        return reports.stream().map(HealthReport::service).toList();
    }

    @Test
    void aCanaryInTheRoutesWithoutADeploymentEventIsJudgedToo() {
        engine.onRoute(new DesiredRoute("chat-api", "production", 3, new RouteTarget("v1", List.of("http://a")),
                new RouteTarget("v2", List.of("http://b")), 100, null, "hand-made"), Instant.ofEpochSecond(T0));
        assertThat(engine.live("chat-api", "production")).hasValueSatisfying(c -> {
            assertThat(c.deploymentId()).isNull();
            assertThat(c.stageName()).isEqualTo("unknown");
        });
        engine.onRoute(new DesiredRoute("chat-api", "production", 4, new RouteTarget("v1", List.of("http://a")), null, 0,
                null, "rolled back"), Instant.ofEpochSecond(T0 + 5));
        assertThat(engine.live("chat-api", "production")).isEmpty();
    }

    @Test
    void firingCriticalAlertsFailTheGateAndFeedTheCriticalAlertsMetric() {
        engine.onDeployment(deployment("RUNNING", "canary-1", 100, T0, T0));
        alerts.record(new AlertBook.Alert("f1", "HighErrorRate", "chat-api", "production", "critical", true, null));
        HealthReport r = engine.tick(Instant.ofEpochSecond(T0 + 1)).get(0);
        assertThat(r.gates()).filteredOn(g -> g.gate().equals("no-critical-alerts")).singleElement()
                .satisfies(g -> assertThat(g.status()).isEqualTo("FAIL"));
        alerts.record(new AlertBook.Alert("f1", "HighErrorRate", "chat-api", "production", "critical", false, null));
        HealthReport cleared = engine.tick(Instant.ofEpochSecond(T0 + 6)).get(0);
        assertThat(cleared.gates()).filteredOn(g -> g.gate().equals("no-critical-alerts")).singleElement()
                .satisfies(g -> assertThat(g.status()).isEqualTo("PASS"));
    }

    @Test
    void aRuleCanUseTheCriticalAlertsMetric() {
        rules.replace("chat-api", "production", List.of(new dev.avalo.health.rule.RuleOverride("critical-alerts",
                "Critical alert firing for 3 seconds", "critical_alerts > 0 for 3s", null)));
        engine.onDeployment(deployment("RUNNING", "canary-1", 100, T0, T0));
        alerts.record(new AlertBook.Alert("f1", "HighErrorRate", "chat-api", "production", "critical", true, null));
        HealthReport breached = null;
        for (long t = T0 + 1; t <= T0 + 8 && breached == null; t++) {
            breached = engine.tick(Instant.ofEpochSecond(t)).stream().filter(r -> !r.breaches().isEmpty()).findFirst()
                    .orElse(null);
        }
        assertThat(breached).isNotNull();
        assertThat(breached.at()).isEqualTo(Instant.ofEpochSecond(T0 + 5));
        assertThat(breached.breaches()).extracting(b -> b.ruleId()).containsExactly("critical-alerts");
        assertThat(MetricKind.GAUGE).isEqualTo(MetricKind.parse("gauge"));
    }
}
