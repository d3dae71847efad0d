package dev.avalo.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
 * {@link #start()} returns when this process answers {@code GET /healthz} on its own monitoring port ({@code -m}, a new free
 * port at every start) with 200: nats-server only says so once it listens for clients, JetStream is enabled and every stream of
 * the store is recovered. A listening client port alone proves neither that JetStream is up nor that the listener is this
 * process: while the server is stopped its port is free for anyone on a shared machine, so a start finds the port taken fails
 * at once instead of handing the test someone else's server.
 * <p>
 * The binary is {@code /usr/sbin/nats-server} (Debian package {@code nats-server}), overridable with
 * {@code AVALO_TEST_NATS_SERVER}.
 */
public final class OwnNatsServer implements AutoCloseable {

    /** Default binary. */
    public static final String DEFAULT_BINARY = "/usr/sbin/nats-server";

    /** How long a start may take on a loaded machine before it counts as failed. */
    private static final Duration START_WAIT = Duration.ofSeconds(30);
    private static final Duration PORT_WAIT = Duration.ofSeconds(15);
    private static final Duration HEALTH_REQUEST_TIMEOUT = Duration.ofSeconds(2);

    private final String binary;
    private final int port;
    private final Path storeDir;
    private final Path logFile;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(HEALTH_REQUEST_TIMEOUT).build();
    private volatile Process process;
    private int monitorPort;

    private OwnNatsServer(String binary, int port, Path storeDir) {
        this.binary = binary;
        this.port = port;
        this.storeDir = storeDir;
        this.logFile = storeDir.resolveSibling(storeDir.getFileName() + ".log");
        // a test JVM that ends without closing the server (a constructor that failed after starting it, a killed fork's
        // normal exit path) must not leave a nats-server behind
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Process p = process;
            if (p != null) {
                p.destroy();
            }
        }, "own-nats-server-stop"));
    }

    /**
     * Starts a server on a free port with a new temporary store directory; returns when it is healthy (see {@link #start()}).
     */
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

    /**
     * (Re)starts the server on the same port and store; returns when its {@code /healthz} answers 200 (listening, JetStream
     * enabled, the store's streams recovered).
     *
     * @throws IllegalStateException
     *             when another process listens on the port, or the server exits or is not healthy within 30 s (the message ends
     *             with the server's last log lines)
     */
    public synchronized void start() {
        start(true);
    }

    /**
     * (Re)starts the server on the same port without JetStream ({@code -js} left out): core NATS works, JetStream requests get
     * no responders, as from a server whose JetStream is not up yet. Returns when {@code /healthz} answers 200.
     */
    public synchronized void startWithoutJetStream() {
        start(false);
    }

    private void start(boolean jetStream) {
        if (isRunning()) {
            return;
        }
        if (accepts()) {
            throw new IllegalStateException("port " + port + " is taken by another process since this nats-server stopped;"
                    + " a restart on it would not be this server");
        }
        monitorPort = freePort();
        while (monitorPort == port) {
            monitorPort = freePort();
        }
        List<String> command = jetStream
                ? List.of(binary, "-a", "127.0.0.1", "-p", Integer.toString(port), "-m", Integer.toString(monitorPort),
                        "-js", "-sd", storeDir.toString())
                : List.of(binary, "-a", "127.0.0.1", "-p", Integer.toString(port), "-m", Integer.toString(monitorPort));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary + " (install the Debian package nats-server)", e);
        }
        long deadline = System.nanoTime() + START_WAIT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                int exit = process.exitValue();
                process = null;
                throw new IllegalStateException("nats-server on port " + port + " exited with " + exit + "; " + logTail());
            }
            String health = healthz();
            if (health == null) {
                return;
            }
            if (System.nanoTime() > deadline) {
                stop();
                throw new IllegalStateException("nats-server on port " + port + " not healthy within " + START_WAIT + " ("
                        + health + "); " + logTail());
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

    /** Null when {@code GET /healthz} on this process's monitoring port answers 200, else what it answered. */
    private String healthz() {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + monitorPort + "/healthz"))
                .timeout(HEALTH_REQUEST_TIMEOUT).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? null : response.statusCode() + " " + response.body().strip();
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for nats-server", e);
        }
    }

    /** The last lines of the server's log, for failure messages. */
    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return "last lines of " + logFile + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 15),
                    lines.size()));
        } catch (IOException e) {
            return "see " + logFile;
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

    /**
     * Polling a local port or health endpoint between attempts (bounded by a deadline); not waiting for application behaviour.
     */
    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for nats-server", e);
        }
    }
}
