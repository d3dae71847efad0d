package dev.avalo.bench.health;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import org.HdrHistogram.Histogram;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.avalo.contracts.deployment.DeploymentView;
import dev.avalo.contracts.deployment.StageView;
import dev.avalo.contracts.health.HealthReport;
import dev.avalo.contracts.metrics.RouterMetricsSample;
import dev.avalo.contracts.metrics.StatusCounts;
import dev.avalo.health.gate.GateSettings;
import dev.avalo.health.gate.StageGates;
import dev.avalo.health.report.LatestReports;
import dev.avalo.health.report.ScoreGauges;
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
import dev.avalo.health.verdict.Assessor;
import dev.avalo.health.verdict.HealthEngine;
import dev.avalo.health.window.Histograms;
import dev.avalo.health.window.MetricKind;

/**
 * The health-scorer's clockwork under N live canaries: the production {@link HealthEngine} (built as the service's
 * DomainProducer builds it, with the default settings and the 16 default rules), fed one second of router samples (HdrHistogram
 * latencies) and pushed business metrics for every canary and stable, then ticked; only {@code engine.tick(now)} is timed.
 * After each tick its reports are encoded and kept as the service keeps them ({@link #publish}, not timed).
 * <p>
 * Simulated time, no clock reads in the engine: each simulated second first ingests the second that just ended (not timed),
 * then ticks. Every tick runs every canary's rules; a canary's report (score, gates, rules) is due every 5 s after its first:
 * {@code --report-spread staggered} starts the deployments over 60 consecutive seconds and ticks from the first one on (the
 * reports fall on the 5 phases as the deployments started), {@code --report-spread synchronized} starts them all at once and
 * ticks from the warm-up on, so every canary makes its first report in the same tick (as after a scorer restart). The engine
 * spreads canaries that make their first report in the same tick over the phases of the interval (the k-th has its next
 * report brought forward by k mod 5 s), so from then on about N/5 report in every tick in both modes; the first, all-canary
 * tick is part of the warm-up and is logged ({@code firstTickMs}) but not in the measured rounds.
 * <p>
 * Output: one JSON line per round on stdout-like file {@code --out}, and a human summary on stderr.
 */
public final class TickBench {

    private static final String ENV = "production";
    private static final long T_DEPLOY = 1_800_000_000L;
    private static final int BASELINE = 300;
    private static final int RETENTION = 660;

    private final int canaries;
    private final boolean synchronizedStarts;
    private final SplittableRandom random = new SplittableRandom(42);
    private final HealthEngine engine;
    private final Service[] services;
    private final Histogram scratch = Histograms.create();

    /** One simulated service: total requests per second, the canary's share, health. */
    private record Service(String name, long deployAt, double rps, double share, boolean bad, String stage) {
    }

    TickBench(int canaries, boolean synchronizedStarts) {
        this.canaries = canaries;
        this.synchronizedStarts = synchronizedStarts;
        this.engine = engine();
        this.services = new Service[canaries];
        String[] stages = {"canary-1", "canary-10", "canary-25", "canary-50"};
        int[] weights = {100, 1000, 2500, 5000};
        for (int i = 0; i < canaries; i++) {
            // traffic: most services are small, a few are busy (5, 15, 50, 150 requests per second for 40, 30, 20, 10 % of
            // them: 31.5 on average, some 315,000 requests per second over the fleet)
            double u = random.nextDouble();
            double rps = u < 0.4 ? 5 : u < 0.7 ? 15 : u < 0.9 ? 50 : 150;
            int stage = random.nextInt(4);
            services[i] = new Service(String.format(Locale.ROOT, "svc-%05d", i),
                    synchronizedStarts ? T_DEPLOY : T_DEPLOY + (i % 60), rps, weights[stage] / 10_000.0,
                    random.nextInt(100) == 0, stages[stage]);
        }
    }

    /** The engine exactly as {@code DomainProducer} builds it with the default configuration. */
    private static HealthEngine engine() {
        Wilson breach = new Wilson(0.998);
        Wilson gate = new Wilson(0.95);
        RuleSettings rules = new RuleSettings(breach, new Wilson(0.95), 2, 60, 60, 100);
        Scorer scorer = new Scorer(ScoreSettings.defaults());
        RuleEvaluator evaluator = new RuleEvaluator(rules);
        StageGates gates = new StageGates(GateSettings.defaults(), gate, rules.gaugeStaleSeconds());
        Assessor.Settings assessor = new Assessor.Settings(300, 2, 400);
        RuleRegistry registry = new RuleRegistry(new RuleParser(Duration.ofSeconds(RETENTION - 2 - 1), Duration.ofMinutes(5)));
        return new HealthEngine(new HealthEngine.Settings(RETENTION, BASELINE, 5, Map.of(),
                breach.describe() + " for breaches and score bands, " + gate.describe() + " for gates"),
                () -> new Assessor(scorer, evaluator, gates, assessor), registry, new AlertBook(true));
    }

    private static long poisson(Lane l, double lambda) {
        if (lambda > 30) {
            return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * gaussian(l)));
        }
        double limit = Math.exp(-lambda);
        long k = 0;
        double p = 1.0;
        do {
            k++;
            p *= l.random.nextDouble();
        } while (p > limit);
        return k - 1;
    }

    private static double gaussian(Lane l) {
        // Box-Muller, one value per call is plenty here
        double u1 = l.random.nextDouble();
        double u2 = l.random.nextDouble();
        return Math.sqrt(-2 * Math.log(Math.max(u1, 1e-300))) * Math.cos(2 * Math.PI * u2);
    }

    /** One router's sample of second {@code t} for a revision: lognormal latencies (median 60 ms), 0.5 % errors. */
    private void router(Lane l, Service s, String revision, long t, double rps, boolean bad) {
        long requests = poisson(l, rps);
        if (requests == 0) {
            return; // routers report a revision only when it had traffic
        }
        double errorRate = bad ? 0.05 : 0.005;
        long errors = 0;
        l.scratch.reset();
        double median = bad ? 180_000 : 60_000;
        for (long k = 0; k < requests; k++) {
            if (l.random.nextDouble() < errorRate) {
                errors++;
            }
            l.scratch.recordValue(Math.max(1, (long) (median * Math.exp(0.6 * gaussian(l)))));
        }
        long s5xx = errors * 3 / 4;
        RouterMetricsSample sample = new RouterMetricsSample("router-1", s.name(), ENV, revision, "canary",
                Instant.ofEpochSecond(t), 1000, requests, errors,
                new StatusCounts(requests - errors, 0, errors - s5xx, s5xx), null, Math.max(1, requests / 5),
                Math.max(1, requests * 2 / 3));
        engine.addRouter(new RouterSamples.Valid(sample, l.scratch, s5xx));
    }

    private void push(Service s, String revision, long t, String name, MetricKind kind, double value) {
        engine.addCustom(s.name(), ENV, new CustomMetrics.Valid(revision, name, kind, value, Instant.ofEpochSecond(t)));
    }

    /**
     * The pushed business metrics the default rules read, as the Prometheus source feeds them: every 5 s per revision, counters
     * as the increase over those 5 s, gauges as the level.
     */
    private void business(Lane l, Service s, String revision, long t, double rps) {
        double five = rps * 5;
        push(s, revision, t, "db_errors", MetricKind.COUNTER, l.random.nextInt(50) == 0 ? 1 : 0);
        push(s, revision, t, "payment_failures", MetricKind.COUNTER, 0);
        push(s, revision, t, "auth_attempts", MetricKind.COUNTER, poisson(l, five * 0.1));
        push(s, revision, t, "auth_failures", MetricKind.COUNTER, poisson(l, five * 0.1 * 0.01));
        push(s, revision, t, "ai_moderation_success", MetricKind.COUNTER, poisson(l, five * 0.05) + 1);
        push(s, revision, t, "sessions", MetricKind.COUNTER, poisson(l, five * 0.2));
        push(s, revision, t, "session_failures", MetricKind.COUNTER, poisson(l, five * 0.2 * 0.01));
        push(s, revision, t, "db_connection_up", MetricKind.GAUGE, 1);
        push(s, revision, t, "cpu_percent", MetricKind.GAUGE, 35 + l.random.nextInt(20));
        push(s, revision, t, "memory_percent", MetricKind.GAUGE, 50 + l.random.nextInt(15));
        push(s, revision, t, "disk_percent", MetricKind.GAUGE, 60);
        push(s, revision, t, "active_users", MetricKind.GAUGE, Math.round(rps * 3));
        push(s, revision, t, "concurrent_connections", MetricKind.GAUGE, Math.round(rps / 2));
    }

    /** A generator lane: its own random numbers and histogram, so that two threads can ingest at once. */
    private static final class Lane {
        final SplittableRandom random;
        final Histogram scratch = Histograms.create();

        Lane(long seed) {
            this.random = new SplittableRandom(seed);
        }
    }

    private final Lane[] lanes = {new Lane(1), new Lane(2)};
    private final java.util.concurrent.ExecutorService ingestion = java.util.concurrent.Executors.newFixedThreadPool(2,
            r -> {
                Thread thread = new Thread(r, "bench-ingest");
                thread.setDaemon(true);
                return thread;
            });

    /**
     * Every revision's data for second {@code t}, and the deployment event when a service's deployment starts at {@code t}; the
     * services are split over two threads (lane k feeds the services i with i % 2 == k).
     */
    private void ingest(long t) {
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        for (int k = 0; k < lanes.length; k++) {
            int lane = k;
            done.add(ingestion.submit(() -> ingest(lanes[lane], lane, t)));
        }
        for (java.util.concurrent.Future<?> f : done) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    private void ingest(Lane l, int lane, long t) {
        for (int i = lane; i < canaries; i += lanes.length) {
            Service s = services[i];
            if (t >= s.deployAt() - BASELINE) {
                boolean live = t >= s.deployAt();
                double share = live ? s.share() : 0.0;
                router(l, s, "stable", t, s.rps() * (1 - share), false);
                if (live) {
                    router(l, s, "canary", t, s.rps() * share, s.bad());
                }
                if (Math.floorMod(t + i, 5) == 0) {
                    business(l, s, "stable", t, s.rps() * (1 - share));
                    if (live) {
                        business(l, s, "canary", t, s.rps() * share);
                    }
                }
            }
            if (t == s.deployAt()) {
                Instant at = Instant.ofEpochSecond(t);
                engine.onDeployment(new DeploymentView("d-" + i, s.name(), ENV, "stable", "canary", "RUNNING",
                        new StageView(0, s.stage(), (int) Math.round(s.share() * 10_000), at, 900), null, ENV, true,
                        null, "bench", at, at));
            }
        }
    }

    // ---------------------------------------------------------------- entry points for PairedBench (another class loader)

    /** A fleet and its engine, for {@link PairedBench}, which drives two of them (two versions of the engine) side by side. */
    public static TickBench open(int canaries, boolean synchronizedStarts) {
        return new TickBench(canaries, synchronizedStarts);
    }

    /** The first simulated second data is ingested for. */
    public static long startSecond() {
        return T_DEPLOY - BASELINE;
    }

    /** The first measured second: every canary then has full windows. */
    public static long firstTickSecond() {
        return T_DEPLOY + 60 + RETENTION;
    }

    /** The first second the engine ticks in staggered mode (ticks before the warm-up are not timed). */
    public static long firstDeploymentSecond() {
        return T_DEPLOY;
    }

    /** Ingests every revision's data for second {@code t} (and starts the deployments due then). */
    public void ingestSecond(long t) {
        ingest(t);
    }

    /**
     * One tick of the engine at second {@code t}: how many reports it published, and how many of them had breaches, as
     * {@code reports << 32 | breaching}.
     */
    public long tickAt(long t) {
        List<HealthReport> due = engine.tick(Instant.ofEpochSecond(t));
        lastDue = due;
        long breaching = due.stream().filter(h -> !h.breaches().isEmpty()).count();
        return (long) due.size() << 32 | breaching;
    }

    /** The reports of the last {@link #tickAt}, for {@link #publishLast}. */
    private List<HealthReport> lastDue = List.of();
    /** What the service's {@code Clockwork} does with a tick's reports, minus the NATS publish ({@link #outlet()}). */
    private final java.util.function.Consumer<List<HealthReport>> outlet = outlet();

    /**
     * What the service's {@code Clockwork} does with a tick's reports right after it (not timed as part of the tick, which is
     * what the goal is about; {@code tickAndPublish} times both): its {@code ReportOutlet}, with a publisher that drops the
     * JSON instead of sending it on NATS. Without it the bench would keep nothing of the reports, while the service keeps
     * 10,000 of them between collections.
     */
    void publish(List<HealthReport> due) {
        outlet.accept(due);
    }

    /**
     * The service's {@code ReportOutlet} (from {@code 2026-11-29} evening), found by reflection so that the driver still
     * compiles against an older {@code --ref}; for one without it, what its {@code Clockwork} did: each report encoded one
     * after the other, kept in {@code LatestReports} (which a {@code --ref} older than {@code a4ec8c7} lacks: the driver does
     * not compile against it) and recorded by {@code ScoreGauges}.
     */
    private static java.util.function.Consumer<List<HealthReport>> outlet() {
        LatestReports latest = new LatestReports();
        ScoreGauges gauges = new ScoreGauges(new SimpleMeterRegistry());
        try {
            Class<?> type = Class.forName("dev.avalo.health.report.ReportOutlet");
            Class<?> publisher = Class.forName("dev.avalo.health.report.ReportOutlet$Publisher");
            // a publisher that does nothing with the JSON
            Object drop = java.lang.invoke.MethodHandleProxies.asInterfaceInstance(publisher,
                    java.lang.invoke.MethodHandles.empty(java.lang.invoke.MethodType.methodType(void.class, String.class,
                            String.class, byte[].class)));
            Object o = type.getConstructor(publisher, LatestReports.class, ScoreGauges.class).newInstance(drop, latest,
                    gauges);
            java.lang.reflect.Method accept = type.getMethod("accept", List.class);
            return reports -> {
                try {
                    accept.invoke(o, reports);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            };
        } catch (ClassNotFoundException e) {
            return reports -> {
                for (HealthReport r : reports) {
                    latest.put(r.service(), r.environment(), dev.avalo.contracts.Json.encode(r));
                    gauges.record(r);
                }
            };
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@link #publish} of the last {@link #tickAt}'s reports. */
    public void publishLast() {
        publish(lastDue);
        lastDue = List.of();
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    /** A histogram of nanoseconds as milliseconds. */
    private static Rounds.Stats stats(Histogram h) {
        return new Rounds.Stats(h.getTotalCount(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(99)),
                ms(h.getMaxValue()), h.getMean() / 1e6);
    }

    private static final boolean TRACE = System.getenv("BENCH_TRACE") != null;

    /** One simulated second as measured: the tick alone, with its reports' handling, and the CPU it took. */
    private record Second(long tickNanos, long withPublishNanos, long threadCpuNanos, long processCpuNanos, long ingestNanos,
            int reports, int breaching) {
    }

    /**
     * Ingests second {@code t - 1} (not timed), ticks at {@code t} (timed, with the thread's and the process's CPU) and handles
     * the tick's reports as the {@code Clockwork} does. One small method for the warm-up and the measured seconds alike: it is
     * compiled during the warm-up, where a loop in {@code main} would be compiled on the stack (OSR) in the middle of a round.
     * That is what the slow ticks at seconds 722–723 and 771–772 of every run were before 2026-11-29 22:30: C2 compiling
     * {@code main} for 0.6–1.3 s on one of the two cores the tick uses (JFR {@code jdk.Compilation}, analysis.md).
     */
    private static Second second(TickBench bench, long t, java.lang.management.ThreadMXBean threads,
            com.sun.management.OperatingSystemMXBean os) {
        long i0 = System.nanoTime();
        bench.ingest(t - 1);
        long t0 = System.nanoTime();
        long c0 = threads.getCurrentThreadCpuTime();
        long p0 = os.getProcessCpuTime();
        List<HealthReport> due = bench.engine.tick(Instant.ofEpochSecond(t));
        long took = System.nanoTime() - t0;
        long threadCpu = threads.getCurrentThreadCpuTime() - c0;
        long processCpu = os.getProcessCpuTime() - p0;
        long p0Nanos = System.nanoTime();
        bench.publish(due);
        long withPublish = took + System.nanoTime() - p0Nanos;
        int breaching = 0;
        for (HealthReport h : due) {
            if (!h.breaches().isEmpty()) {
                breaching++;
            }
        }
        if (TRACE) {
            System.err.printf(Locale.ROOT, "tick %d: %d reports, %.1f ms (ended %s)%n", t, due.size(), took / 1e6,
                    Instant.now());
        }
        return new Second(took, withPublish, threadCpu, processCpu, t0 - i0, due.size(), breaching);
    }

    public static void main(String[] args) throws IOException {
        Rounds.Options options = Rounds.Options.parse(args, new Rounds.Options(10_000, 3, 60, 60, false, null), Map.of());
        int canaries = options.canaries();
        int rounds = options.rounds();
        int measured = options.measured();
        int warmup = options.warmup();
        boolean sync = options.synchronizedStarts();
        Path out = options.out();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory
                .getOperatingSystemMXBean();
        TickBench bench = new TickBench(canaries, sync);
        long start = T_DEPLOY - BASELINE;
        // windows full: the last deployment started at least the retention before the first measured tick
        long firstTick = T_DEPLOY + 60 + RETENTION;
        // staggered: the engine ticks every second from the first deployment on (a canary's report phase is set by its first
        // tick, i.e. its deployment's start); synchronized: it starts ticking with the warm-up, so every canary's first report
        // falls on the same tick and the later ones stay together (as after a scorer restart). Ticks before the warm-up are
        // not timed.
        long fill0 = System.nanoTime();
        long t = start;
        for (; t < firstTick - warmup; t++) {
            bench.ingest(t - 1);
            if (t > T_DEPLOY && !sync) {
                bench.publish(bench.engine.tick(Instant.ofEpochSecond(t)));
            }
            if ((t - start) % 100 == 0) {
                System.err.printf(Locale.ROOT, "bench: filling windows, second %d of %d%n", t - start,
                        firstTick - warmup - start);
            }
        }
        long fillNanos = System.nanoTime() - fill0;
        System.err.printf(Locale.ROOT, "bench: %d canaries, windows filled in %.1f s; warming up for %d ticks%n", canaries,
                fillNanos / 1e9, warmup);
        double firstTickMs = Double.NaN;
        int firstTickReports = 0;
        for (; t < firstTick; t++) {
            // the same method as the measured seconds, so that it is compiled before them (below)
            Second warm = second(bench, t, threads, os);
            if (Double.isNaN(firstTickMs)) {
                firstTickMs = warm.withPublishNanos() / 1e6;
                firstTickReports = warm.reports();
                System.err.printf(Locale.ROOT, "bench: first warm-up tick %.1f ms, %d reports%n", firstTickMs,
                        firstTickReports);
            }
        }
        long heapFull = Rounds.heapAfterGc(memory);
        System.err.printf(Locale.ROOT, "bench: heap after GC with full windows: %.0f MiB%n", heapFull / 1048576.0);
        List<String> lines = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            Histogram rule = new Histogram(3_600_000_000_000L, 3);
            Histogram report = new Histogram(3_600_000_000_000L, 3);
            Histogram all = new Histogram(3_600_000_000_000L, 3);
            Histogram cpu = new Histogram(3_600_000_000_000L, 3);
            Histogram processCpu = new Histogram(3_600_000_000_000L, 3);
            // the tick and then what the Clockwork does with its reports (encode, keep, gauges; no NATS), as one second's work
            Histogram withPublish = new Histogram(3_600_000_000_000L, 3);
            long reports = 0;
            long maxReports = 0;
            long breaching = 0;
            long ingestNanos = 0;
            for (int k = 0; k < measured; k++, t++) {
                Second sec = second(bench, t, threads, os);
                cpu.recordValue(Math.max(1, sec.threadCpuNanos()));
                processCpu.recordValue(Math.max(1, sec.processCpuNanos()));
                withPublish.recordValue(sec.withPublishNanos());
                ingestNanos += sec.ingestNanos();
                all.recordValue(sec.tickNanos());
                // a tick that published many reports is a report tick (score + gates for every canary due)
                if (sec.reports() > canaries / 20) {
                    report.recordValue(sec.tickNanos());
                } else {
                    rule.recordValue(sec.tickNanos());
                }
                reports += sec.reports();
                maxReports = Math.max(maxReports, sec.reports());
                breaching += sec.breaching();
            }
            long heap = Rounds.heapAfterGc(memory);
            String line = Rounds.line(r, canaries, System.getProperty("bench.code", "?"), sync, measured, stats(all),
                    stats(processCpu), stats(rule), stats(report), reports, maxReports, breaching,
                    ms(ingestNanos) / measured, heap / 1048576.0, heapFull / 1048576.0, fillNanos / 1e9,
                    String.format(Locale.ROOT, ",\"tickThreadCpu\":{\"p50Ms\":%.2f,\"p99Ms\":%.2f,\"meanMs\":%.2f},"
                            + "\"firstTickMs\":%.1f,\"firstTickReports\":%d,"
                            + "\"tickAndPublish\":{\"p50Ms\":%.2f,\"p99Ms\":%.2f,\"maxMs\":%.2f}",
                            ms(cpu.getValueAtPercentile(50)), ms(cpu.getValueAtPercentile(99)), cpu.getMean() / 1e6,
                            firstTickMs, firstTickReports, ms(withPublish.getValueAtPercentile(50)),
                            ms(withPublish.getValueAtPercentile(99)), ms(withPublish.getMaxValue())));
            lines.add(line);
            System.err.printf(Locale.ROOT,
                    "bench: round %d (%s): all ticks p50 %.1f ms p99 %.1f ms max %.1f ms (process CPU p50 %.1f ms) | rule ticks %d p50 %.1f p99 %.1f | "
                            + "report ticks %d p50 %.1f p99 %.1f | %d reports (max %d in a tick) | heap %.0f MiB"
                            + " | tick + publish p50 %.1f p99 %.1f ms%n",
                    r, sync ? "synchronized" : "staggered", ms(all.getValueAtPercentile(50)),
                    ms(all.getValueAtPercentile(99)), ms(all.getMaxValue()), ms(processCpu.getValueAtPercentile(50)),
                    rule.getTotalCount(), ms(rule.getValueAtPercentile(50)), ms(rule.getValueAtPercentile(99)),
                    report.getTotalCount(),
                    ms(report.getValueAtPercentile(50)), ms(report.getValueAtPercentile(99)), reports, maxReports,
                    heap / 1048576.0, ms(withPublish.getValueAtPercentile(50)), ms(withPublish.getValueAtPercentile(99)));
        }
        if (out != null) {
            Files.write(out, lines, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        }
    }
}
