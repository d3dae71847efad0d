package dev.avalo.bench.orchestrator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import dev.avalo.contracts.Json;

/** Prints a Markdown table of the newest result file per size and writes it to {@code results/latest.md}. */
public final class Report {

    private Report() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "bench/orchestrator/results");
        Map<Integer, JsonNode> newest = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
        for (Path f : files) {
            JsonNode r = Json.mapper().readTree(f.toFile());
            newest.put(r.path("size").asInt(), r);
        }
        StringBuilder md = new StringBuilder();
        md.append("| N | POST /deployments p50 / p99 / max (ms) | starts/s | POST /services p50 / p99 (ms) "
                + "| recovery sweep of N (cold) | warm sweep of N (median of replays) | heap after GC: before → N live → after sweeps (MiB) "
                + "| emergency stop of N: HTTP reply / all KV routes stable-only (ms) |\n");
        md.append("|---:|---|---:|---|---:|---:|---|---|\n");
        for (JsonNode r : newest.values()) {
            JsonNode a = r.path("phaseA");
            JsonNode b = r.path("phaseB");
            JsonNode st = a.path("startDeployments");
            JsonNode reg = a.path("registerServices");
            JsonNode es = b.path("emergencyStop");
            double[] warm = new double[b.path("warmSweeps").size()];
            for (int i = 0; i < warm.length; i++) {
                warm[i] = b.path("warmSweeps").get(i).path("durationMillis").asDouble();
            }
            java.util.Arrays.sort(warm);
            String warmText = warm.length == 0 ? "–" : fmt(warm[warm.length / 2]) + " ms";
            md.append("| ").append(r.path("size").asInt())
                    .append(" | ").append(fmt(st.path("latencyMillis").path("p50").asDouble())).append(" / ")
                    .append(fmt(st.path("latencyMillis").path("p99").asDouble())).append(" / ")
                    .append(fmt(st.path("latencyMillis").path("max").asDouble()))
                    .append(" | ").append(fmt(st.path("throughputPerSecond").asDouble()))
                    .append(" | ").append(fmt(reg.path("latencyMillis").path("p50").asDouble())).append(" / ")
                    .append(fmt(reg.path("latencyMillis").path("p99").asDouble()))
                    .append(" | ").append(fmt(b.path("recoverySweep").path("durationMillis").asDouble())).append(" ms")
                    .append(" | ").append(warmText)
                    .append(" | ").append(fmt(a.path("heapBefore").path("heapUsedMiB").asDouble())).append(" → ")
                    .append(fmt(a.path("heapAfterLive").path("heapUsedMiB").asDouble())).append(" → ")
                    .append(fmt(b.path("heapAfterSweeps").path("heapUsedMiB").asDouble()))
                    .append(" | ").append(fmt(es.path("httpResponseMillis").asDouble())).append(" / ")
                    .append(es.path("allRoutesStableOnly").asBoolean()
                            ? fmt(es.path("allRoutesStableOnlyMillis").asDouble())
                            : "not all (" + es.path("routesStableOnly").asInt() + ")")
                    .append(es.path("goalMet").asBoolean() ? " ✅" : " ❌").append(" |\n");
        }
        System.out.print(md);
        Files.writeString(dir.resolve("latest.md"), md.toString());
    }

    private static String fmt(double v) {
        return v >= 100
                ? String.format(java.util.Locale.ROOT, "%.0f", v)
                : String.format(java.util.Locale.ROOT, "%.1f", v);
    }
}
