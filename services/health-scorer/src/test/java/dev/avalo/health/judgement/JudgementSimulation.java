package dev.avalo.health.judgement;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.avalo.contracts.CloudEvents;
import dev.avalo.contracts.Json;
import dev.avalo.contracts.Subjects;
import dev.avalo.contracts.deployment.Cause;
import dev.avalo.contracts.deployment.DeploymentEventData;
import dev.avalo.contracts.deployment.DeploymentEventType;
import dev.avalo.contracts.deployment.DeploymentView;
import dev.avalo.contracts.deployment.StageView;
import dev.avalo.contracts.health.Breach;
import dev.avalo.contracts.health.HealthReport;
import dev.avalo.contracts.health.Verdict;
import dev.avalo.contracts.metrics.RouterMetricsSample;
import dev.avalo.health.it.TestClockProducer;
import dev.avalo.health.judgement.Traffic.Behaviour;
import dev.avalo.health.verdict.Clockwork;
import dev.avalo.health.verdict.HealthEngine;
import dev.avalo.testing.JwtTestResource;
import dev.avalo.testing.MutableClock;
import dev.avalo.testing.NatsTestResource;

/**
 * bench/judgement (issue 4): are the scorer's verdicts right at low traffic? The real health-scorer application (Quarkus test
 * mode: its NATS subscriptions, engine, clockwork and report publishing as in production, with the clock stepped by this
 * driver) on the local NATS under a unique prefix, stream and bucket (NatsTestResource). Every simulated service gets five
 * minutes of stable-only traffic (so the pre-deployment baseline exists), then a deployment event on the events stream makes
 * its canary live at stage 1 ({@code canary-1}, 1 %, 900 s). Each simulated second the driver publishes one router sample per
 * live revision on {@code <prefix>.metrics.<service>.production}, waits until the scorer has ingested them all, steps the clock
 * one second, ticks the clockwork and reads the verdicts from the health reports received on {@code <prefix>.evt.health.>}.
 * <p>
 * Run through {@code bench/judgement/run.sh}; skipped unless {@code avalo.judgement.out} is set. Properties:
 * {@code avalo.judgement.seed}, {@code .healthy} (canaries in cohort a), {@code .bad} (canaries per regression cohort),
 * {@code .horizon} (caps every cohort's horizon, in seconds after the deployment started; for partial runs).
 */
@QuarkusTest
@QuarkusTestResource(value = NatsTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtTestResource.class, restrictToAnnotatedClass = false)
@EnabledIfSystemProperty(named = "avalo.judgement.out", matches = ".+")
class JudgementSimulation {

    private static final String ENV = "production";
    private static final MutableClock CLOCK = TestClockProducer.CLOCK;
    private static final Instant START = Instant.parse("2026-12-01T00:00:00Z");
    private static final int WARMUP_SECONDS = 300;
    private static final int STAGE_SECONDS = 900;
    private static final int STAGE_WEIGHT_BP = 100;
    /** Regression cohorts at 2,000 rps: past twice the longest target window (600 s) and the stage's end (900 s). */
    private static final int B_HORIZON = 960;
    private static final Duration WAIT = Duration.ofSeconds(120);

    /** Healthy figures (both revisions of a healthy service, the stable of every service). */
    static final Behaviour HEALTHY = new Behaviour(0.003, 120, 0.5);

    /**
     * A cohort: {@code rps} the service's total rate, the canary's behaviour, whether the canary is bad, how long it is
     * simulated after the deployment started, and the rule (and its window) that should catch a bad one.
     */
    record Cohort(String name, String question, double rps, Behaviour canary, boolean bad, int horizonSeconds,
            String targetRule, int targetWindowSeconds, int count) {
    }

    /** One canary's record. */
    static final class Canary {
        final Cohort cohort;
        final String service;
        final Traffic traffic;
        boolean ended;
        String endedBy;
        int reports;
        Map<String, Integer> verdicts = new TreeMap<>();
        Long firstProceed;
        Long promoted;
        Long firstContinue;
        Long firstPause;
        Long firstRollback;
        List<String> rollbackRules = List.of();
        List<String> rollbackReasons = List.of();
        List<String> pauseReasons = List.of();
        Verdict lastVerdict;
        List<String> lastReasons = List.of();
        long lastCanaryRequests;

        Canary(Cohort cohort, String service, Traffic traffic) {
            this.cohort = cohort;
            this.service = service;
            this.traffic = traffic;
        }

        String stable() {
            return service + "-v1";
        }

        String canary() {
            return service + "-v2";
        }
    }

    @Inject
    Clockwork clockwork;

    @Inject
    HealthEngine engine;

    private Connection nats;
    private Subjects subjects;
    private final ConcurrentLinkedQueue<HealthReport> received = new ConcurrentLinkedQueue<>();
    private final AtomicLong receivedCount = new AtomicLong();
    private long expectedReports;

    static List<Cohort> cohorts(int healthy, int bad) {
        Behaviour errors = new Behaviour(HEALTHY.errorRate() + 0.03, HEALTHY.medianMillis(), HEALTHY.sigma());
        Behaviour median150 = new Behaviour(HEALTHY.errorRate(), HEALTHY.medianMillis() * 1.5, HEALTHY.sigma());
        Behaviour median160 = new Behaviour(HEALTHY.errorRate(), HEALTHY.medianMillis() * 1.6, HEALTHY.sigma());
        String e = "error-rate-3m";
        String m = "median-latency-increase";
        return List.of(
                new Cohort("a-healthy-20rps", "a", 20, HEALTHY, false, 2 * STAGE_SECONDS, null, 0, healthy),
                new Cohort("b-errors+3pp-2000rps", "b", 2000, errors, true, B_HORIZON, e, 180, bad),
                new Cohort("b-median+50%-2000rps", "b", 2000, median150, true, B_HORIZON, m, 300, bad),
                new Cohort("b-median+60%-2000rps", "b", 2000, median160, true, B_HORIZON, m, 300, bad),
                new Cohort("b-control-healthy-2000rps", "b", 2000, HEALTHY, false, B_HORIZON, null, 0, bad),
                new Cohort("c-errors+3pp-20rps", "c", 20, errors, true, 2 * STAGE_SECONDS, e, 180, bad),
                new Cohort("c-median+50%-20rps", "c", 20, median150, true, 2 * STAGE_SECONDS, m, 300, bad),
                new Cohort("c-median+60%-20rps", "c", 20, median160, true, 2 * STAGE_SECONDS, m, 300, bad));
    }

    @Test
    void judge() throws Exception {
        long seed = Long.getLong("avalo.judgement.seed", 20261128L);
        int healthy = Integer.getInteger("avalo.judgement.healthy", 1000);
        int bad = Integer.getInteger("avalo.judgement.bad", 100);
        Path out = Path.of(System.getProperty("avalo.judgement.out"));
        Files.createDirectories(out);

        subjects = Subjects.withPrefix(NatsTestResource.prefix());
        nats = Nats.connect(NatsTestResource.url());
        Dispatcher d = nats.createDispatcher(m -> {
            received.add(Json.decode(m.getData(), HealthReport.class));
            receivedCount.incrementAndGet();
        });
        d.subscribe(subjects.prefix() + ".evt.health.>");
        nats.flush(Duration.ofSeconds(10));

        SplittableRandom root = new SplittableRandom(seed);
        int cap = Integer.getInteger("avalo.judgement.horizon", Integer.MAX_VALUE);
        List<Cohort> cohorts = cohorts(healthy, bad).stream()
                .map(c -> c.horizonSeconds() <= cap
                        ? c
                        : new Cohort(c.name(), c.question(), c.rps(), c.canary(), c.bad(), cap, c.targetRule(),
                                c.targetWindowSeconds(), c.count()))
                .toList();
        List<Canary> all = new ArrayList<>();
        Map<String, Canary> byService = new LinkedHashMap<>();
        int n = 0;
        for (Cohort c : cohorts) {
            for (int i = 0; i < c.count(); i++) {
                String service = "s" + (n++) + "-" + c.name().charAt(0);
                Canary k = new Canary(c, service, new Traffic(root.split(), (int) Math.max(1000, c.rps() * 50)));
                all.add(k);
                byService.put(service, k);
            }
        }
        long wallStart = System.nanoTime();
        log("seed %d, %d services in %d cohorts", seed, all.size(), cohorts.size());

        // 1. five minutes of the stable alone (100 % of the traffic): the baseline the deployment captures
        for (int k = 1; k <= WARMUP_SECONDS; k++) {
            Instant second = START.plusSeconds(k - 1);
            CLOCK.set(START.plusSeconds(k));
            String[] last = null;
            for (Canary c : all) {
                publish(c.traffic.second("r-1", c.service, ENV, c.stable(), "stable", second, c.cohort.rps(), HEALTHY));
                last = new String[]{c.service, c.stable()};
            }
            awaitIngested(last, second);
            tick();
            received.clear();
        }
        log("warm-up done after %.0f s wall", (System.nanoTime() - wallStart) / 1e9);

        // 2. every deployment starts now: stage 1 at 1 %
        Instant deployed = START.plusSeconds(WARMUP_SECONDS);
        for (Canary c : all) {
            deploymentEvent(c, "RUNNING", DeploymentEventType.STAGE_ENTERED, deployed);
        }
        await().atMost(WAIT).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
                .until(() -> engine.liveCanaries().size() == all.size());

        // 3. the stage, second by second
        int horizon = cohorts.stream().mapToInt(Cohort::horizonSeconds).max().orElseThrow();
        double share = STAGE_WEIGHT_BP / 10_000.0;
        for (int k = 1; k <= horizon; k++) {
            Instant second = deployed.plusSeconds(k - 1);
            CLOCK.set(deployed.plusSeconds(k));
            String[] last = null;
            List<Canary> ending = new ArrayList<>();
            for (Canary c : all) {
                if (c.ended) {
                    continue;
                }
                if (k > c.cohort.horizonSeconds()) {
                    c.ended = true;
                    c.endedBy = "horizon";
                    ending.add(c);
                    continue;
                }
                RouterMetricsSample stable = c.traffic.second("r-1", c.service, ENV, c.stable(), "stable", second,
                        c.cohort.rps() * (1 - share), HEALTHY);
                RouterMetricsSample canary = c.traffic.second("r-1", c.service, ENV, c.canary(), "canary", second,
                        c.cohort.rps() * share, c.cohort.canary());
                // the stable's sample last: ingestion is awaited on a stable window, since a canary's window already holds
                // the next second after a tick (the scorer writes the critical_alerts gauge at the tick's time)
                publish(canary);
                publish(stable);
                last = new String[]{c.service, c.stable()};
            }
            if (last != null) {
                awaitIngested(last, second);
            }
            end(ending);
            tick();
            List<Canary> decided = new ArrayList<>();
            HealthReport r;
            while ((r = received.poll()) != null) {
                Canary c = byService.get(r.service());
                if (c == null || c.ended) {
                    continue;
                }
                if (record(c, r, deployed)) {
                    decided.add(c);
                }
            }
            end(decided);
            if (k % 60 == 0) {
                log("t+%ds: %d live, %.0f s wall", k, all.stream().filter(c -> !c.ended).count(),
                        (System.nanoTime() - wallStart) / 1e9);
            }
        }
        double wall = (System.nanoTime() - wallStart) / 1e9;
        write(out, seed, cohorts, all, wall);
        nats.close();
    }

    /** Applies a report; true when the canary's judging ends here (a rollback, or a bad canary promoted). */
    private static boolean record(Canary c, HealthReport r, Instant deployed) {
        long t = r.at().getEpochSecond() - deployed.getEpochSecond();
        c.reports++;
        c.verdicts.merge(r.verdict().name(), 1, Integer::sum);
        c.lastVerdict = r.verdict();
        c.lastReasons = r.reasons() == null ? List.of() : r.reasons();
        c.lastCanaryRequests = r.samples() == null ? 0 : r.samples().canaryRequests();
        switch (r.verdict()) {
            case PROCEED -> {
                if (c.firstProceed == null) {
                    c.firstProceed = t;
                }
                // the orchestrator promotes once the stage's minimum duration is over and the latest report says PROCEED
                if (t >= STAGE_SECONDS && c.promoted == null) {
                    c.promoted = t;
                    if (c.cohort.bad()) {
                        c.endedBy = "promoted";
                        return true;
                    }
                }
            }
            case CONTINUE -> {
                if (c.firstContinue == null) {
                    c.firstContinue = t;
                }
            }
            case PAUSE -> {
                if (c.firstPause == null) {
                    c.firstPause = t;
                    c.pauseReasons = c.lastReasons;
                }
            }
            case ROLLBACK -> {
                c.firstRollback = t;
                c.rollbackRules = r.breaches().stream().map(Breach::ruleId).toList();
                c.rollbackReasons = c.lastReasons;
                c.endedBy = "rolled back";
                return true;
            }
            default -> {
            }
        }
        return false;
    }

    /** Publishes the terminal deployment event of canaries whose judging ends, and waits until the scorer dropped them. */
    private void end(List<Canary> canaries) throws Exception {
        if (canaries.isEmpty()) {
            return;
        }
        for (Canary c : canaries) {
            c.ended = true;
            boolean rolledBack = "rolled back".equals(c.endedBy);
            deploymentEvent(c, rolledBack ? "ROLLED_BACK" : "SUCCEEDED",
                    rolledBack ? DeploymentEventType.ROLLED_BACK : DeploymentEventType.SUCCEEDED,
                    START.plusSeconds(WARMUP_SECONDS));
        }
        await().atMost(WAIT).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
                .until(() -> canaries.stream().allMatch(c -> engine.live(c.service, ENV).isEmpty()));
    }

    private void tick() {
        expectedReports += clockwork.tick().size();
        await().atMost(WAIT).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                .until(() -> receivedCount.get() >= expectedReports);
    }

    private void publish(RouterMetricsSample s) {
        nats.publish(subjects.metrics(s.service(), ENV), Json.encode(s));
    }

    /**
     * The scorer's one metrics dispatcher takes samples in publishing order: the last one ingested means all were. The last one
     * must be a stable's: a canary's window holds the second after each tick already (the critical_alerts gauge), so waiting on
     * it would not wait for its sample (the runs then judged some seconds before their samples were in, differently from run to
     * run).
     */
    private void awaitIngested(String[] last, Instant second) {
        long epoch = second.getEpochSecond();
        await().atMost(WAIT).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                .until(() -> engine.newestSecond(last[0], ENV, last[1]) >= epoch);
    }

    private void deploymentEvent(Canary c, String state, DeploymentEventType type, Instant created) throws Exception {
        String id = "d-" + c.service;
        DeploymentView view = new DeploymentView(id, c.service, ENV, c.stable(), c.canary(), state,
                new StageView(0, "canary-1", STAGE_WEIGHT_BP, created, STAGE_SECONDS), null, "production", true, null,
                "bench-judgement", created, CLOCK.instant());
        byte[] event = CloudEvents.encode(UUID.randomUUID().toString(), URI.create("/avalo/bench-judgement"), type.type(),
                id, CLOCK.instant(), new DeploymentEventData(view, new Cause("system", "bench-judgement", state)));
        nats.jetStream().publish(subjects.deploymentEvent(c.service, ENV), event);
    }

    private static void log(String format, Object... args) {
        System.err.printf("judgement: " + format + "%n", args);
    }

    // ------------------------------------------------------------------ results

    private static void write(Path out, long seed, List<Cohort> cohorts, List<Canary> all, double wallSeconds)
            throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        StringBuilder lines = new StringBuilder();
        for (Canary c : all) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("service", c.service);
            row.put("cohort", c.cohort.name());
            row.put("reports", c.reports);
            row.put("verdicts", c.verdicts);
            row.put("firstProceed", c.firstProceed);
            row.put("promoted", c.promoted);
            row.put("firstContinue", c.firstContinue);
            row.put("firstPause", c.firstPause);
            row.put("firstRollback", c.firstRollback);
            row.put("rollbackRules", c.rollbackRules);
            row.put("rollbackReasons", c.rollbackReasons);
            row.put("pauseReasons", c.pauseReasons);
            row.put("endedBy", c.endedBy);
            row.put("lastVerdict", c.lastVerdict);
            row.put("lastReasons", c.lastReasons);
            row.put("lastCanaryRequests", c.lastCanaryRequests);
            rows.add(row);
            lines.append(Json.mapper().writeValueAsString(row)).append('\n');
        }
        Files.writeString(out.resolve("canaries.jsonl"), lines);

        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("seed", seed);
        summary.put("warmupSeconds", WARMUP_SECONDS);
        summary.put("stageSeconds", STAGE_SECONDS);
        summary.put("stageWeightBasisPoints", STAGE_WEIGHT_BP);
        summary.put("healthy", Map.of("errorRate", HEALTHY.errorRate(), "medianMillis", HEALTHY.medianMillis(), "sigma",
                HEALTHY.sigma()));
        summary.put("wallSeconds", wallSeconds);
        List<Map<String, Object>> cs = new ArrayList<>();
        for (Cohort co : cohorts) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", co.name());
            m.put("question", co.question());
            m.put("rps", co.rps());
            m.put("canary", Map.of("errorRate", co.canary().errorRate(), "medianMillis", co.canary().medianMillis(),
                    "sigma", co.canary().sigma()));
            m.put("bad", co.bad());
            m.put("horizonSeconds", co.horizonSeconds());
            m.put("targetRule", co.targetRule());
            m.put("targetWindowSeconds", co.targetWindowSeconds());
            m.put("count", co.count());
            cs.add(m);
        }
        summary.put("cohorts", cs);
        Files.write(out.resolve("summary.json"), Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(summary));
        log("wrote %s (%d canaries) in %.0f s wall", out, rows.size(), wallSeconds);
    }
}
