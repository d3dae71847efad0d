package dev.avalo.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A test's own {@code nats-server -js} child process on a free loopback port with a temporary store directory, for tests that
 * stop and restart NATS (fail-static, reconnects) without disturbing the shared local server. {@link #stop()} and
 * {@link #start()} keep the port and the store, so JetStream state (KV buckets, streams) survives a restart; {@link #close()}
 * stops the server and deletes the store.
 * <p>
 * The binary is {@code /usr/sbin/nats-server} (Debian package {@code nats-server}), overridable with
 * {@code AVALO_TEST_NATS_SERVER}.
 */
public final class OwnNatsServer implements AutoCloseable {

    /** Default binary. */
    public static final String DEFAULT_BINARY = "/usr/sbin/nats-server";

    private static final Duration PORT_WAIT = Duration.ofSeconds(15);

    private final String binary;
    private final int port;
    private final Path storeDir;
    private final Path logFile;
    private Process process;

    private OwnNatsServer(String binary, int port, Path storeDir) {
        this.binary = binary;
        this.port = port;
        this.storeDir = storeDir;
        this.logFile = storeDir.resolveSibling(storeDir.getFileName() + ".log");
    }

    /** Starts a server on a free port with a new temporary store directory; returns when it accepts connections. */
    public static OwnNatsServer start(String name) {
        try {
            Path store = Files.createTempDirectory("avalo-nats-" + name + "-");
            OwnNatsServer server = new OwnNatsServer(RandomIds.env("AVALO_TEST_NATS_SERVER", DEFAULT_BINARY), freePort(),
                    store);
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a NATS store directory", e);
        }
    }

    /** The client URL, {@code nats://127.0.0.1:<port>}. */
    public String url() {
        return "nats://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** (Re)starts the server on the same port and store; returns when it accepts connections. */
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        ProcessBuilder builder = new ProcessBuilder(List.of(binary, "-a", "127.0.0.1", "-p", Integer.toString(port),
                "-js", "-sd", storeDir.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary + " (install the Debian package nats-server)", e);
        }
        long deadline = System.nanoTime() + PORT_WAIT.toNanos();
        while (!accepts()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nats-server exited with " + process.exitValue() + "; see " + logFile);
            }
            if (System.nanoTime() > deadline) {
                stop();
                throw new IllegalStateException("nats-server did not listen on " + port + " within " + PORT_WAIT
                        + "; see " + logFile);
            }
            pause();
        }
    }

    /** Stops the server (SIGTERM, then SIGKILL after 10 s); returns when the port is closed. */
    public synchronized void stop() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
        long deadline = System.nanoTime() + PORT_WAIT.toNanos();
        while (accepts() && System.nanoTime() < deadline) {
            pause();
        }
    }

    /** Stops the server and deletes its store and log. */
    @Override
    public void close() {
        stop();
        try (Stream<Path> files = Files.walk(storeDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            Files.deleteIfExists(logFile);
        } catch (IOException e) {
            // best effort: it is a temporary directory
        }
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Gives a Quarkus test its own server: {@code avalo.nats.url} points at it and the subject prefix, routes bucket and events
     * stream are the defaults (the server is the test's alone). The test reaches the server through {@link #running()} to stop
     * and restart it.
     */
    public static class Resource implements QuarkusTestResourceLifecycleManager {

        private static volatile OwnNatsServer current;

        @Override
        public Map<String, String> start() {
            current = OwnNatsServer.start("quarkus");
            return Map.of(
                    "avalo.nats.url", current.url(),
                    "avalo.nats.subject-prefix", "avalo",
                    "avalo.nats.routes-bucket", "avalo-routes",
                    "avalo.nats.events-stream", "AVALO_EVENTS");
        }

        @Override
        public void stop() {
            OwnNatsServer server = current;
            current = null;
            if (server != null) {
                server.close();
            }
        }

        /** The server of the running resource. */
        public static OwnNatsServer running() {
            OwnNatsServer server = current;
            if (server == null) {
                throw new IllegalStateException("no OwnNatsServer.Resource is running");
            }
            return server;
        }
    }

    /** A port nobody listens on (it was free a moment ago), for "NATS is unreachable" tests. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    /** Polling a local port between attempts; not waiting for application behaviour. */
    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for nats-server", e);
        }
    }
}
