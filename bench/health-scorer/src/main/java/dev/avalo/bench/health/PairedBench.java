package dev.avalo.bench.health;

import java.io.File;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Two versions of the health-scorer's engine in one JVM, fed the same simulated fleet and ticked one right after the other
 * every simulated second, so that what else runs on the machine at that moment slows both alike. Between two JVMs run one
 * after the other the same code differed by up to 1.5× in tick p50 on the 2-vCPU machines here; ticked side by side, a
 * per-second ratio of the two tick durations is what a change is judged by.
 * <p>
 * Each version is {@link TickBench} compiled against that version's classes and loaded, with them and their dependencies, in a
 * class loader of its own (parent: the platform loader); this class uses nothing but {@code java.base}. The order alternates
 * (A then B on even seconds, B then A on odd ones), so neither always runs right after ingestion or right after the other's
 * tick. Both engines share the heap and the collector: a GC pause lands in either's tick alike.
 * <p>
 * Usage: {@code PairedBench --a CLASSPATH --b CLASSPATH --label-a ref-X --label-b head --canaries N --rounds R --seconds S
 * --warmup W --report-spread synchronized|staggered --out FILE}. Writes one JSON line per version per round, in
 * {@link TickBench}'s format plus {@code "paired"} (the other's label, the median and quartiles of this version's tick
 * divided by the other's in the same second).
 */
public final class PairedBench {

    private final String label;
    private final Object bench;
    private final MethodHandle ingest;
    private final MethodHandle tick;
    private final MethodHandle publish;

    private PairedBench(String label, String classpath, int canaries, boolean sync) throws ReflectiveOperationException,
            MalformedURLException {
        this.label = label;
        List<URL> urls = new ArrayList<>();
        for (String entry : classpath.split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                urls.add(new File(entry).toURI().toURL());
            }
        }
        ClassLoader loader = new URLClassLoader("bench-" + label, urls.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader());
        Class<?> type = Class.forName("dev.avalo.bench.health.TickBench", true, loader);
        this.bench = type.getMethod("open", int.class, boolean.class).invoke(null, canaries, sync);
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        this.ingest = lookup.findVirtual(type, "ingestSecond", MethodType.methodType(void.class, long.class)).bindTo(bench);
        this.tick = lookup.findVirtual(type, "tickAt", MethodType.methodType(long.class, long.class)).bindTo(bench);
        this.publish = lookup.findVirtual(type, "publishLast", MethodType.methodType(void.class)).bindTo(bench);
        this.start = (long) type.getMethod("startSecond").invoke(null);
        this.firstTick = (long) type.getMethod("firstTickSecond").invoke(null);
        this.firstDeployment = (long) type.getMethod("firstDeploymentSecond").invoke(null);
    }

    /** The simulated timeline (the same for both versions: the driver's constants). */
    private final long start;
    private final long firstTick;
    private final long firstDeployment;

    private void ingest(long t) {
        try {
            ingest.invokeExact(t);
        } catch (Throwable e) {
            throw new IllegalStateException(label + ": ingestion of second " + t + " failed", e);
        }
    }

    private long tick(long t) {
        try {
            return (long) tick.invokeExact(t);
        } catch (Throwable e) {
            throw new IllegalStateException(label + ": tick at " + t + " failed", e);
        }
    }

    /** What the service does with the last tick's reports after it (TickBench.publishLast; not timed). */
    private void publish() {
        try {
            publish.invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException(label + ": publishing failed", e);
        }
    }

    /** One version's measurements in a round. */
    private static final class Side {
        final long[] nanos;
        final long[] cpu;
        final long[] reports;
        long breaching;
        long ingestNanos;

        Side(int n) {
            nanos = new long[n];
            cpu = new long[n];
            reports = new long[n];
        }
    }

    private static double at(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static double atD(double[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static double ms(double nanos) {
        return nanos / 1e6;
    }

    private static String json(int round, int canaries, String code, boolean sync, Side s, Side other, String otherLabel,
            long heap, long heapFull, double fillSeconds, int classifyAbove) {
        int n = s.nanos.length;
        long[] all = s.nanos.clone();
        Arrays.sort(all);
        long[] cpu = s.cpu.clone();
        Arrays.sort(cpu);
        List<Long> rule = new ArrayList<>();
        List<Long> report = new ArrayList<>();
        long reports = 0;
        long maxReports = 0;
        for (int k = 0; k < n; k++) {
            (s.reports[k] > classifyAbove ? report : rule).add(s.nanos[k]);
            reports += s.reports[k];
            maxReports = Math.max(maxReports, s.reports[k]);
        }
        long[] ruleSorted = rule.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] reportSorted = report.stream().mapToLong(Long::longValue).sorted().toArray();
        double[] ratio = new double[n];
        for (int k = 0; k < n; k++) {
            ratio[k] = (double) s.nanos[k] / other.nanos[k];
        }
        Arrays.sort(ratio);
        return Rounds.line(round, canaries, code, sync, n, stats(all, s.nanos), stats(cpu, s.cpu), stats(ruleSorted, ruleSorted),
                stats(reportSorted, reportSorted), reports, maxReports, s.breaching, ms(s.ingestNanos) / n, heap / 1048576.0,
                heapFull / 1048576.0, fillSeconds,
                String.format(Locale.ROOT, ",\"paired\":{\"with\":\"%s\",\"heapShared\":true,\"tickRatioP25\":%.3f,"
                        + "\"tickRatioMedian\":%.3f,\"tickRatioP75\":%.3f}", otherLabel, atD(ratio, 0.25), atD(ratio, 0.5),
                        atD(ratio, 0.75)));
    }

    /** Nanosecond values ({@code sorted}, and {@code values} in any order for the mean) as milliseconds. */
    private static Rounds.Stats stats(long[] sorted, long[] values) {
        return new Rounds.Stats(sorted.length, ms(at(sorted, 0.5)), ms(at(sorted, 0.99)),
                ms(sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1]),
                ms(Arrays.stream(values).average().orElse(Double.NaN)));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> own = new HashMap<>();
        own.put("--a", null);
        own.put("--b", null);
        own.put("--label-a", "a");
        own.put("--label-b", "b");
        Rounds.Options options = Rounds.Options.parse(args, new Rounds.Options(4000, 3, 30, 120, true, null), own);
        String cpA = own.get("--a");
        String cpB = own.get("--b");
        String labelA = own.get("--label-a");
        String labelB = own.get("--label-b");
        int canaries = options.canaries();
        int rounds = options.rounds();
        int measured = options.measured();
        int warmup = options.warmup();
        boolean sync = options.synchronizedStarts();
        Path out = options.out();
        if (cpA == null || cpB == null) {
            throw new IllegalArgumentException("--a CLASSPATH and --b CLASSPATH are required");
        }
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory
                .getOperatingSystemMXBean();
        PairedBench a = new PairedBench(labelA, cpA, canaries, sync);
        PairedBench b = new PairedBench(labelB, cpB, canaries, sync);
        PairedBench[] both = {a, b};
        long start = a.start;
        long firstTick = a.firstTick;
        long firstDeployment = a.firstDeployment;
        long fill0 = System.nanoTime();
        long t = start;
        for (; t < firstTick - warmup; t++) {
            for (PairedBench p : both) {
                p.ingest(t - 1);
                if (t > firstDeployment && !sync) {
                    p.tick(t);
                    p.publish();
                }
            }
            if ((t - start) % 100 == 0) {
                System.err.printf(Locale.ROOT, "bench: filling windows (both), second %d of %d%n", t - start,
                        firstTick - warmup - start);
            }
        }
        double fillSeconds = (System.nanoTime() - fill0) / 1e9;
        System.err.printf(Locale.ROOT, "bench: paired %s / %s, %d canaries each, filled in %.1f s; warming up for %d ticks%n",
                labelA, labelB, canaries, fillSeconds, warmup);
        for (; t < firstTick; t++) {
            for (PairedBench p : both) {
                p.ingest(t - 1);
            }
            PairedBench first = (t & 1) == 0 ? a : b;
            first.tick(t);
            first.publish();
            (first == a ? b : a).tick(t);
            (first == a ? b : a).publish();
        }
        long heapFull = Rounds.heapAfterGc(memory);
        List<String> lines = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            Side sa = new Side(measured);
            Side sb = new Side(measured);
            for (int k = 0; k < measured; k++, t++) {
                for (int j = 0; j < 2; j++) {
                    long i0 = System.nanoTime();
                    both[j].ingest(t - 1);
                    (j == 0 ? sa : sb).ingestNanos += System.nanoTime() - i0;
                }
                boolean aFirst = (t & 1) == 0;
                for (int j = 0; j < 2; j++) {
                    boolean runA = (j == 0) == aFirst;
                    Side s = runA ? sa : sb;
                    long c0 = os.getProcessCpuTime();
                    long t0 = System.nanoTime();
                    long due = (runA ? a : b).tick(t);
                    s.nanos[k] = System.nanoTime() - t0;
                    s.cpu[k] = os.getProcessCpuTime() - c0;
                    (runA ? a : b).publish();
                    s.reports[k] = due >>> 32;
                    s.breaching += due & 0xFFFF_FFFFL;
                }
            }
            long heap = Rounds.heapAfterGc(memory);
            lines.add(json(r, canaries, labelA, sync, sa, sb, labelB, heap, heapFull, fillSeconds, canaries / 20));
            lines.add(json(r, canaries, labelB, sync, sb, sa, labelA, heap, heapFull, fillSeconds, canaries / 20));
            long[] na = sa.nanos.clone();
            long[] nb = sb.nanos.clone();
            Arrays.sort(na);
            Arrays.sort(nb);
            double[] ratio = new double[measured];
            for (int k = 0; k < measured; k++) {
                ratio[k] = (double) sb.nanos[k] / sa.nanos[k];
            }
            Arrays.sort(ratio);
            System.err.printf(Locale.ROOT,
                    "bench: round %d: %s p50 %.1f ms p99 %.1f ms | %s p50 %.1f ms p99 %.1f ms | %s/%s per second: median %.3f"
                            + " (quartiles %.3f–%.3f) | heap (both) %.0f MiB%n",
                    r, labelA, ms(at(na, 0.5)), ms(at(na, 0.99)), labelB, ms(at(nb, 0.5)), ms(at(nb, 0.99)), labelB, labelA,
                    atD(ratio, 0.5), atD(ratio, 0.25), atD(ratio, 0.75), heap / 1048576.0);
        }
        if (out != null) {
            Files.write(out, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }
}
