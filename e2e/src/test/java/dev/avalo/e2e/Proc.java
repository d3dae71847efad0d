package dev.avalo.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One OS process of the suite (a service's packaged jar or a sample app): started with its output appended to a log file,
 * stopped or killed by its PID only, restartable with the same command (and a log file of the restarting scenario).
 */
final class Proc {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final List<String> command;
    private final String readyUrl;
    private volatile Path log;
    private volatile Process process;

    Proc(String name, List<String> command, String readyUrl, Path log) {
        this.name = name;
        this.command = List.copyOf(command);
        this.readyUrl = readyUrl;
        this.log = log;
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Starts the process, appending to {@code log}; does not wait for readiness. */
    synchronized Proc start(Path newLog) {
        if (isAlive()) {
            throw new IllegalStateException(name + " is already running (pid " + process.pid() + ")");
        }
        this.log = newLog;
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "==== " + Instant.now() + " starting " + name + ": " + String.join(" ", command) + "\n",
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
        return this;
    }

    /** Waits until {@code readyUrl} answers 200 (and the process is alive), within {@code deadline}. */
    Proc awaitReady(Duration deadline) {
        await(name + " ready at " + readyUrl).atMost(deadline).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " during startup; "
                        + tail(25));
            }
            return readyStatus() == 200;
        });
        return this;
    }

    /** The readiness URL's HTTP status, or -1 when it does not answer. */
    int readyStatus() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(readyUrl)).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** {@code kill -9}: SIGKILL to this PID, waits until it is gone. */
    void kill9() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        try {
            new ProcessBuilder("kill", "-9", Long.toString(p.pid())).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
            p.waitFor(20, TimeUnit.SECONDS);
        } catch (IOException e) {
            p.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        appendMarker("killed with SIGKILL");
    }

    /** SIGTERM, then SIGKILL after 15 s. */
    void stop() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The last {@code lines} lines of the current log. */
    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "---- last " + lines + " lines of " + log + "\n"
                    + String.join("\n", new ArrayList<>(all.subList(Math.max(0, all.size() - lines), all.size())));
        } catch (IOException | UncheckedIOException e) {
            return "---- " + log + ": " + e;
        }
    }

    private void appendMarker(String what) {
        try {
            Files.writeString(log, "\n==== " + Instant.now() + " " + name + " " + what + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the marker is only a help for reading the log
        }
    }
}
