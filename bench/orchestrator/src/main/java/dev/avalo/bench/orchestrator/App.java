package dev.avalo.bench.orchestrator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The orchestrator under test, started as {@code java -Xmx1g -jar quarkus-run.jar} with bench settings. */
final class App implements AutoCloseable {

    private final Process process;
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    final List<String> command;
    final Path log;

    private App(Process process, String base, List<String> command, Path log) {
        this.process = process;
        this.base = base;
        this.command = command;
        this.log = log;
    }

    static App start(Path jar, String heap, int port, Map<String, String> props, Path log) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heap);
        props.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-Dquarkus.http.port=" + port);
        cmd.add("-Dquarkus.http.host=127.0.0.1");
        cmd.add("-jar");
        cmd.add(jar.toString());
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        // a driver killed by run.sh's timeout must not leave the orchestrator behind
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
        return new App(p, "http://127.0.0.1:" + port, cmd, log);
    }

    long pid() {
        return process.pid();
    }

    String base() {
        return base;
    }

    /** Waits for {@code /q/health/ready}; fails when the process dies or the timeout passes. */
    void awaitReady(Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException("orchestrator exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("orchestrator not ready within " + timeout + "; see " + log);
    }

    Metrics metrics() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/q/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("/q/metrics answered " + r.statusCode());
        }
        return Metrics.parse(r.body());
    }

    /** Runs {@code jcmd <pid> <command...>} and returns its output. */
    String jcmd(String... command) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        cmd.add(Long.toString(pid()));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("jcmd " + String.join(" ", command) + " did not finish in 60 s");
        }
        return out;
    }

    /** Forces a full GC ({@code jcmd <pid> GC.run}) and returns heap used, committed (bytes) and the RSS (bytes). */
    long[] heapAfterGc() throws Exception {
        jcmd("GC.run");
        Metrics m = metrics();
        long used = (long) m.sum("jvm_memory_used_bytes", "area=\"heap\"");
        long committed = (long) m.sum("jvm_memory_committed_bytes", "area=\"heap\"");
        long rss = 0;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return new long[]{used, committed, rss};
    }

    /** SIGTERM, then SIGKILL after 30 s. */
    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
