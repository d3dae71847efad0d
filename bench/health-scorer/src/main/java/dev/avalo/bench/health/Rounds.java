package dev.avalo.bench.health;

import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * What {@link TickBench} and {@link PairedBench} share: their common options, one round's line of {@code results/*.jsonl} in
 * the form {@code report.py} reads, and the heap after collection. JDK classes only, so that {@link PairedBench} (outside the versions'
 * class loaders) and each version's {@link TickBench} can both be compiled with it.
 */
final class Rounds {

    private Rounds() {
    }

    /** The options both drivers take, each with a value ({@code run.sh} passes them all). */
    record Options(int canaries, int rounds, int measured, int warmup, boolean synchronizedStarts, Path out) {

        static final String USAGE = "--canaries N --rounds R --seconds S --warmup W --report-spread staggered|synchronized"
                + " --out FILE";

        /**
         * {@code args} over {@code defaults}; a driver's own options are those named in {@code own}, whose values (defaults
         * there) are replaced by the given ones. Any other option is refused.
         */
        static Options parse(String[] args, Options defaults, Map<String, String> own) {
            int canaries = defaults.canaries;
            int rounds = defaults.rounds;
            int measured = defaults.measured;
            int warmup = defaults.warmup;
            boolean sync = defaults.synchronizedStarts;
            Path out = defaults.out;
            for (int i = 0; i < args.length; i += 2) {
                String name = args[i];
                if (i + 1 == args.length) {
                    throw new IllegalArgumentException(name + " needs a value; usage: " + USAGE);
                }
                String value = args[i + 1];
                switch (name) {
                    case "--canaries" -> canaries = Integer.parseInt(value);
                    case "--rounds" -> rounds = Integer.parseInt(value);
                    case "--seconds" -> measured = Integer.parseInt(value);
                    case "--warmup" -> warmup = Integer.parseInt(value);
                    case "--report-spread" -> sync = switch (value) {
                        case "synchronized" -> true;
                        case "staggered" -> false;
                        default -> throw new IllegalArgumentException("--report-spread staggered|synchronized");
                    };
                    case "--out" -> out = Path.of(value);
                    default -> {
                        if (!own.containsKey(name)) {
                            throw new IllegalArgumentException("unknown argument " + name + "; usage: " + USAGE);
                        }
                        own.put(name, value);
                    }
                }
            }
            return new Options(canaries, rounds, measured, warmup, sync, out);
        }
    }

    /** Tick durations (or CPU times) of a round, in milliseconds; {@code count} 0 when none. */
    record Stats(long count, double p50Ms, double p99Ms, double maxMs, double meanMs) {
    }

    /**
     * One round's JSON line; {@code extra} is appended to the object as is (each field with its leading comma), for what one
     * driver records and the other does not.
     */
    static String line(int round, int canaries, String code, boolean synchronizedStarts, int ticks, Stats all, Stats processCpu,
            Stats ruleTicks, Stats reportTicks, long reports, long maxReportsPerTick, long reportsWithBreaches,
            double ingestPerSecondMs, double heapAfterGcMiB, double heapFullWindowsMiB, double fillSeconds, String extra) {
        return String.format(Locale.ROOT,
                "{\"round\":%d,\"canaries\":%d,\"code\":\"%s\",\"reportSpread\":\"%s\",\"ticks\":%d,"
                        + "\"all\":{\"p50Ms\":%.2f,\"p99Ms\":%.2f,\"maxMs\":%.2f,\"meanMs\":%.2f},"
                        + "\"processCpu\":{\"p50Ms\":%.2f,\"p99Ms\":%.2f,\"meanMs\":%.2f},"
                        + "\"ruleTicks\":{\"count\":%d,\"p50Ms\":%.2f,\"p99Ms\":%.2f,\"maxMs\":%.2f},"
                        + "\"reportTicks\":{\"count\":%d,\"p50Ms\":%.2f,\"p99Ms\":%.2f,\"maxMs\":%.2f},"
                        + "\"reports\":%d,\"maxReportsPerTick\":%d,\"reportsWithBreaches\":%d,"
                        + "\"ingestPerSecondMs\":%.1f,\"heapAfterGcMiB\":%.0f,\"heapFullWindowsMiB\":%.0f,\"fillSeconds\":%.1f%s}",
                round, canaries, code, synchronizedStarts ? "synchronized" : "staggered", ticks, all.p50Ms(), all.p99Ms(),
                all.maxMs(), all.meanMs(), processCpu.p50Ms(), processCpu.p99Ms(), processCpu.meanMs(), ruleTicks.count(),
                ruleTicks.p50Ms(), ruleTicks.p99Ms(), ruleTicks.maxMs(), reportTicks.count(), reportTicks.p50Ms(),
                reportTicks.p99Ms(), reportTicks.maxMs(), reports, maxReportsPerTick, reportsWithBreaches, ingestPerSecondMs,
                heapAfterGcMiB, heapFullWindowsMiB, fillSeconds, extra);
    }

    /** Heap in use after three full collections. */
    static long heapAfterGc(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
