package dev.avalo.router.metrics;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.function.LongSupplier;

import org.HdrHistogram.Histogram;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.Union;
import org.junit.jupiter.api.Test;

import dev.avalo.contracts.Json;
import dev.avalo.contracts.metrics.RouterMetricsSample;
import dev.avalo.contracts.metrics.StatusCounts;
import dev.avalo.contracts.route.DesiredRoute;
import dev.avalo.contracts.route.RouteTarget;
import dev.avalo.contracts.route.Stickiness;
import dev.avalo.router.config.GatewayApiConfig;
import dev.avalo.router.config.NatsConfig;
import dev.avalo.router.config.RouterConfig;
import dev.avalo.router.nats.RouterNats;
import dev.avalo.router.route.RouteCompiler;
import dev.avalo.router.route.RouteTable;
import dev.avalo.router.route.StickyHash;

/**
 * A measurement, not a test: the CPU time (thread CPU time, {@link java.lang.management.ThreadMXBean}) and Java allocation of
 * one {@link MetricsSampler#tick()} and of its parts, over many ticks. It asserts nothing and is not run by the normal build
 * (its name matches none of Surefire's test patterns); run it on purpose, on a machine as quiet as can be had:
 *
 * <pre>
 * ./mvnw -B -q -pl services/traffic-router test -Dtest=MetricsSamplerCost
 * </pre>
 *
 * Set {@code -Dcost.ticks=N} for more or fewer measured ticks (default 2,000 per scenario and way). The samples go to the NATS
 * server at {@code AVALO_NATS_URL} (default {@code nats://127.0.0.1:4222}) under a random subject prefix when it answers, or
 * are dropped (as the sampler does while disconnected) when it does not; the report says which.
 * <p>
 * The set: two services of two live revisions each (stable and canary), two event-loop slots, and every histogram grown as far
 * as a 30 s response timeout takes it (as in a router that has run a while). Scenarios: those four revisions with 1,500
 * requests each per second of about 400 users each; the same four idle; the same four idle next to eight retired revisions (no
 * longer routed, still in the registry). Each is measured back to back and with the CPU caches flushed before every tick (the
 * sampler runs once a second, after a second of proxying). Then: the first 300 busy ticks of the JVM (before the JIT has
 * compiled the sampler's code, as in a benchmark run of a few minutes), a busy tick step by step, and the primitives its steps
 * are made of.
 */
class MetricsSamplerCost {

    private static final int SLOTS = 2;
    private static final int REQUESTS_PER_REVISION = 1_500;
    private static final int USERS_PER_REVISION = 400;
    private static final long TIMEOUT_MICROS = 30_000_000;

    private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory
            .getThreadMXBean();

    @Test
    void measure() throws Exception {
        run(Integer.getInteger("cost.ticks", 2_000));
    }

    public static void main(String[] args) throws Exception {
        run(args.length > 0 ? Integer.parseInt(args[0]) : 2_000);
    }

    static void run(int ticks) throws Exception {
        String url = Optional.ofNullable(System.getenv("AVALO_NATS_URL")).orElse("nats://127.0.0.1:4222");
        RouterNats nats = new RouterNats(natsConfig(url, "cost-" + UUID.randomUUID().toString().substring(0, 8)));
        nats.start((c, e) -> {
        });
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!nats.isConnected() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        System.out.printf("%nMetricsSampler.tick() cost, %d slots, NATS %s%n", SLOTS,
                nats.isConnected() ? "connected (" + url + ")" : "not connected: samples dropped");
        try {
            // first, while the JIT has compiled none of the sampler's code
            String first = firstTicks(nats);
            System.out.printf("  %-30s %-35s | %-35s | %s%n", "µs CPU per tick, " + ticks + " ticks", "back to back",
                    "caches flushed before each tick", "allocated");
            // a first pass warms the JIT on all paths; only the second is reported
            for (int pass = 0; pass < 2; pass++) {
                boolean report = pass == 1;
                scenario("4 live, 1,500 req/s each", nats, true, 0, ticks, report);
                scenario("4 live, idle", nats, false, 0, ticks, report);
                scenario("4 live idle + 8 retired", nats, false, 8, ticks, report);
            }
            System.out.println(first);
            parts(nats, Math.max(500, ticks / 2));
        } finally {
            // RouterNats.close() is the container's; a connector still retrying is a daemon thread
            if (nats.connection() != null) {
                nats.connection().close();
            }
        }
    }

    /**
     * One scenario: a fresh registry and sampler, warmed, then {@code ticks} ticks measured back to back and {@code ticks} more
     * with the CPU caches flushed before each (as after a second of proxying, when the sampler's histograms, buffers and zlib
     * state are no longer in them).
     */
    private static void scenario(String name, RouterNats nats, boolean busy, int retired, int ticks, boolean report) {
        Fixture f = new Fixture(nats, retired);
        for (int i = 0; i < ticks / 2; i++) {
            if (busy) {
                f.traffic();
            }
            f.sampler.tick();
        }
        Ticks warm = f.measure(ticks, busy, false);
        Ticks flushed = f.measure(ticks, busy, true);
        if (report) {
            System.out.printf("  %-30s %s | %s | %5.1f KB%n", name, warm, flushed, warm.allocated / 1024.0 / ticks);
        }
    }

    /**
     * The first busy ticks of a fresh JVM, caches flushed: interpreted and C1-compiled code at first, as in a benchmark run of
     * a few minutes (one tick a second) and not only then, since the JIT counts calls, not time.
     */
    private static String firstTicks(RouterNats nats) {
        Fixture f = new Fixture(nats, 0);
        Ticks first = f.measure(300, true, true);
        StringBuilder s = new StringBuilder(String.format("  %-30s", "first 300 busy ticks of the JVM"));
        int from = 0;
        for (int to : new int[]{10, 30, 100, 300}) {
            long sum = 0;
            for (int i = from; i < to; i++) {
                sum += first.each[i];
            }
            s.append(String.format(" ticks %d–%d: mean %.0f µs;", from + 1, to, sum / 1e3 / (to - from)));
            from = to;
        }
        return s.toString();
    }

    /** CPU times of ticks. */
    private static final class Ticks {
        final long[] each;
        long allocated;

        Ticks(int n) {
            each = new long[n];
        }

        @Override
        public String toString() {
            long[] sorted = each.clone();
            java.util.Arrays.sort(sorted);
            long sum = 0;
            for (long c : sorted) {
                sum += c;
            }
            return String.format("mean %6.1f  p50 %6.1f  p99 %6.1f", sum / 1e3 / sorted.length, sorted[sorted.length / 2] / 1e3,
                    sorted[sorted.length * 99 / 100] / 1e3);
        }
    }

    private static final byte[] FLUSH = new byte[16 << 20];
    private static int flushed;

    /** Writes 16 MB, four times the L2 caches here, so that the next tick finds nothing of its own in them. */
    static void flushCaches() {
        for (int i = 0; i < FLUSH.length; i += 64) {
            FLUSH[i]++;
        }
        flushed += FLUSH[flushed & (FLUSH.length - 1)];
    }

    /**
     * Where a busy tick's time goes: the tick's steps one by one (caches flushed before each tick), then the primitives of
     * {@code interval()} and of the encoding (back to back, warm).
     */
    private static void parts(RouterNats nats, int ticks) {
        Fixture f = new Fixture(nats, 0);
        String subject = nats.subjects().metrics("svc-0", "production");
        Part interval = new Part("interval() (4 revisions)");
        Part hdrEncode = new Part("encodeIntoCompressedByteBuffer + copy (x4)");
        Part base64 = new Part("base64 (x4)");
        Part encoderStep = new Part("CompressedHistogramEncoder.encodeBase64 (x4)");
        CompressedHistogramEncoder encoder = new CompressedHistogramEncoder();
        Part json = new Part("Json.encode (x4)");
        Part publish = new Part("RouterNats.publish (x4)");
        List<Part> steps = List.of(interval, hdrEncode, base64, encoderStep, json, publish);
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        for (int pass = 0; pass < 2; pass++) {
            for (Part p : steps) {
                p.clear();
            }
            for (int t = 0; t < ticks; t++) {
                f.traffic();
                List<RevisionMetrics.Interval> intervals = new ArrayList<>();
                flushCaches();
                interval.start();
                for (RevisionMetrics m : f.metrics.all()) {
                    intervals.add(m.interval());
                }
                interval.stop();
                for (RevisionMetrics.Interval iv : intervals) {
                    Histogram h = iv.latency();
                    // the sampler encodes with one of the two; both are timed, the first of them on alternate ticks
                    if (t % 2 == 0) {
                        encoderStep.start();
                        encoder.encodeBase64(h);
                        encoderStep.stop();
                    }
                    hdrEncode.start();
                    if (buffer.capacity() < h.getNeededByteBufferCapacity()) {
                        buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
                    }
                    buffer.clear();
                    int n = h.encodeIntoCompressedByteBuffer(buffer);
                    byte[] bytes = java.util.Arrays.copyOf(buffer.array(), n);
                    hdrEncode.stop();
                    base64.start();
                    String b64 = Base64.getEncoder().encodeToString(bytes);
                    base64.stop();
                    if (t % 2 == 1) {
                        encoderStep.start();
                        encoder.encodeBase64(h);
                        encoderStep.stop();
                    }
                    json.start();
                    byte[] body = Json.encode(new RouterMetricsSample("router-1", "svc-0", "production", "svc-0-v1",
                            "stable", f.clock.instant(), 1000, iv.requests(), iv.errors(),
                            new StatusCounts(iv.s2xx(), iv.s3xx(), iv.s4xx(), iv.s5xx()), b64, iv.inFlight(), iv.users()));
                    json.stop();
                    publish.start();
                    nats.publish(subject, body);
                    publish.stop();
                }
            }
        }
        encoder.close();
        System.out.printf("  Steps of a busy tick (4 live, 1,500 req/s each, caches flushed before it), per tick:%n");
        for (Part p : steps) {
            p.print(ticks);
        }

        // the primitives of interval(), on histograms as grown as the sampler's (30 s) and windows of 750 values
        int n = ticks * 4;
        Random random = new Random(7);
        Histogram window = new Histogram(3);
        window.recordValue(TIMEOUT_MICROS);
        window.reset();
        Histogram merged = new Histogram(3);
        merged.recordValue(TIMEOUT_MICROS);
        merged.reset();
        Histogram small = new Histogram(3);
        ByteBuffer out = ByteBuffer.allocate(merged.getNeededByteBufferCapacity());
        long[] values = latencies(random, 750);
        HllSketch users = new HllSketch(RevisionMetrics.LG_K);
        Union union = new Union(RevisionMetrics.LG_K);
        Part reset = new Part("Histogram.reset() (grown, " + merged.getNeededByteBufferCapacity() / 9 + " counts)");
        Part add = new Part("Histogram.add(window of 750 values)");
        Part addOther = new Part("Histogram.add(a smaller window)");
        Part percentiles = new Part("getValueAtPercentile(50) + (99)");
        Part hllReset = new Part("HllSketch.reset() (after 375 users)");
        Part unionAll = new Part("Union reset + update + getEstimate");
        Part busyEncode = new Part("encodeIntoCompressedByteBuffer(1,500 values)");
        Part emptyEncode = new Part("encodeIntoCompressedByteBuffer(empty)");
        Part busyEncoder = new Part("CompressedHistogramEncoder.encode(1,500 values)");
        Part emptyEncoder = new Part("CompressedHistogramEncoder.encode(empty)");
        Part emptyKept = new Part("CompressedHistogramEncoder.encodeBase64(empty)");
        CompressedHistogramEncoder primitiveEncoder = new CompressedHistogramEncoder();
        for (int pass = 0; pass < 2; pass++) {
            for (Part p : List.of(reset, add, addOther, percentiles, hllReset, unionAll, busyEncode, busyEncoder, emptyEncode,
                    emptyEncoder, emptyKept)) {
                p.clear();
            }
            for (int i = 0; i < n; i++) {
                for (long v : values) {
                    window.recordValue(v);
                    small.recordValue(v);
                }
                for (int u = 0; u < 375; u++) {
                    users.update(StickyHash.hash("user-" + (i * 31 + u) % 2000));
                }
                reset.time(merged::reset);
                add.time(() -> merged.add(window));
                reset.time(window::reset);
                addOther.time(() -> merged.add(small));
                small.reset();
                percentiles.time(() -> merged.getValueAtPercentile(50) + merged.getValueAtPercentile(99));
                out.clear();
                busyEncode.time(() -> merged.encodeIntoCompressedByteBuffer(out));
                busyEncoder.time(() -> primitiveEncoder.encode(merged));
                unionAll.time(() -> {
                    union.reset();
                    union.update(users);
                    return Math.round(union.getEstimate());
                });
                hllReset.time(users::reset);
                merged.reset();
                out.clear();
                emptyEncode.time(() -> merged.encodeIntoCompressedByteBuffer(out));
                emptyEncoder.time(() -> primitiveEncoder.encode(merged));
                emptyKept.time(() -> primitiveEncoder.encodeBase64(merged).length());
            }
        }
        primitiveEncoder.close();
        System.out.printf("  Primitives of interval() and of the encoding, per call, warm:%n");
        reset.print(n * 2);
        for (Part p : List.of(add, addOther, percentiles, hllReset, unionAll, busyEncode, busyEncoder, emptyEncode,
                emptyEncoder,
                emptyKept)) {
            p.print(n);
        }
    }

    /** A registry, route table and sampler: two services of a stable and a canary revision each, plus retired ones. */
    private static final class Fixture {
        final Clock clock = Clock.systemUTC();
        final ProxyMetrics metrics = new ProxyMetrics(SLOTS, null);
        final RouteTable table = new RouteTable(Map.of());
        final MetricsSampler sampler;
        final List<RevisionMetrics> live = new ArrayList<>();
        final Random random = new Random(42);
        final long[] latencies = latencies(random, 1 << 16);
        final long[] users = new long[USERS_PER_REVISION * 4];
        int next;

        Fixture(RouterNats nats, int retired) {
            for (int i = 0; i < users.length; i++) {
                users[i] = StickyHash.hash("user-" + i);
            }
            for (int s = 0; s < 2; s++) {
                String service = "svc-" + s;
                table.apply(RouteCompiler.compile(service + ".production", new DesiredRoute(service, "production", 1,
                        new RouteTarget(service + "-v1", List.of("http://127.0.0.1:9")),
                        new RouteTarget(service + "-v2", List.of("http://127.0.0.1:9")), 1000, Stickiness.defaultHeader(),
                        "cost"), "production"));
                live.add(metrics.of(service, service + "-v1", "stable"));
                live.add(metrics.of(service, service + "-v2", "canary"));
            }
            List<RevisionMetrics> all = new ArrayList<>(live);
            for (int r = 0; r < retired; r++) {
                all.add(metrics.of("svc-" + r % 2, "svc-" + r % 2 + "-old" + r, r % 4 < 2 ? "stable" : "canary"));
            }
            // each slot once saw a response timeout and a second of traffic, so every histogram is as grown as in a router
            // that has run a while
            for (RevisionMetrics m : all) {
                for (int slot = 0; slot < SLOTS; slot++) {
                    m.started(slot);
                    m.completed(slot, 504, TIMEOUT_MICROS, true);
                }
                traffic(m);
            }
            sampler = new MetricsSampler(metrics, nats, table, routerConfig(), clock);
            sampler.tick();
        }

        /** {@code n} ticks, each after a second of traffic when {@code busy}. */
        Ticks measure(int n, boolean busy, boolean flush) {
            Ticks t = new Ticks(n);
            for (int i = 0; i < n; i++) {
                if (busy) {
                    traffic();
                }
                if (flush) {
                    flushCaches();
                }
                long c0 = THREADS.getCurrentThreadCpuTime();
                long a0 = THREADS.getCurrentThreadAllocatedBytes();
                sampler.tick();
                t.each[i] = THREADS.getCurrentThreadCpuTime() - c0;
                t.allocated += THREADS.getCurrentThreadAllocatedBytes() - a0;
            }
            return t;
        }

        /** One second of traffic on the live revisions. */
        void traffic() {
            for (RevisionMetrics m : live) {
                traffic(m);
            }
        }

        void traffic(RevisionMetrics m) {
            int userBase = live.indexOf(m) * USERS_PER_REVISION;
            for (int i = 0; i < REQUESTS_PER_REVISION; i++) {
                int slot = i % SLOTS;
                long micros = latencies[next++ & (latencies.length - 1)];
                int status = (next & 127) == 0 ? 503 : (next & 31) == 0 ? 404 : 200;
                m.started(slot);
                m.completed(slot, status, micros, false, true, users[Math.max(0, userBase) + (next * 7) % USERS_PER_REVISION]);
            }
        }
    }

    /** Latencies in µs: log-normal around 0.8 ms, 1 % of them 5–100 ms. */
    static long[] latencies(Random random, int n) {
        long[] values = new long[n];
        for (int i = 0; i < n; i++) {
            values[i] = random.nextInt(100) == 0
                    ? 5_000 + random.nextInt(95_000)
                    : Math.round(Math.exp(Math.log(800) + 0.5 * random.nextGaussian()));
        }
        return values;
    }

    /** The CPU time of one step, summed over calls. */
    private static final class Part {
        final String name;
        long cpu;
        long alloc;
        long c0;
        long a0;

        Part(String name) {
            this.name = name;
        }

        void clear() {
            cpu = 0;
            alloc = 0;
        }

        void start() {
            a0 = THREADS.getCurrentThreadAllocatedBytes();
            c0 = THREADS.getCurrentThreadCpuTime();
        }

        void stop() {
            cpu += THREADS.getCurrentThreadCpuTime() - c0;
            alloc += THREADS.getCurrentThreadAllocatedBytes() - a0;
        }

        void time(Runnable r) {
            start();
            r.run();
            stop();
        }

        long time(LongSupplier r) {
            start();
            long v = r.getAsLong();
            stop();
            return v;
        }

        void print(int per) {
            System.out.printf("    %-54s %7.1f µs CPU %7.2f KB%n", name, cpu / 1e3 / per, alloc / 1024.0 / per);
        }
    }

    static NatsConfig natsConfig(String url, String prefix) {
        return new NatsConfig() {
            @Override
            public String url() {
                return url;
            }

            @Override
            public Optional<String> credentials() {
                return Optional.empty();
            }

            @Override
            public String subjectPrefix() {
                return prefix;
            }

            @Override
            public String routesBucket() {
                return prefix + "-routes";
            }

            @Override
            public Optional<String> eventsStream() {
                return Optional.empty();
            }
        };
    }

    static RouterConfig routerConfig() {
        return new RouterConfig() {
            @Override
            public Optional<String> id() {
                return Optional.of("router-cost");
            }

            @Override
            public String environment() {
                return "production";
            }

            @Override
            public String backend() {
                return "embedded";
            }

            @Override
            public Map<String, String> hostAliases() {
                return Map.of();
            }

            @Override
            public String stateFile() {
                return "target/router-state/cost.json";
            }

            @Override
            public Proxy proxy() {
                throw new UnsupportedOperationException();
            }

            @Override
            public GatewayApiConfig gatewayApi() {
                throw new UnsupportedOperationException();
            }

            @Override
            public Metrics metrics() {
                return () -> 0;
            }
        };
    }
}
