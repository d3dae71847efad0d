package dev.avalo.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real services the CLI talks to, each its packaged jar (from the reactor) as a process on a free port, against the local
 * PostgreSQL (a fresh database each) and NATS (this run's subject prefix, stream and bucket), verifying tokens signed with a
 * key pair in a temporary "checkout" ({@code home/.avalo/keys}) with issuer {@code avalo-local}, as the local setup does.
 */
final class Servers {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** One running service. */
    record Service(String name, int port, Process process, Path log) {
        String url() {
            return "http://127.0.0.1:" + port;
        }

        void stop() {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    private Servers() {
    }

    /** The packaged jar of {@code services/<name>}; fails with the command that builds it when missing. */
    static Path jar(String name) {
        Path jar = Path.of("..", "services", name, "target", "quarkus-app", "quarkus-run.jar").toAbsolutePath().normalize();
        assertThat(jar).as("packaged %s: build it first (./mvnw -B install -DskipTests, or run ./mvnw verify at the root)",
                name).exists();
        return jar;
    }

    /** Writes an RSA key pair as {@code home/.avalo/keys/{private,public}.pem} (PKCS#8 and X.509 PEM, as openssl does). */
    static Path writeKeys(Path home) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        Path dir = Files.createDirectories(home.resolve(".avalo/keys"));
        Files.writeString(dir.resolve("private.pem"), pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
        Path pub = dir.resolve("public.pem");
        Files.writeString(pub, pem("PUBLIC KEY", keys.getPublic().getEncoded()));
        return pub;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Starts {@code jar} with {@code -D} settings on a free port; does not wait for readiness. */
    static Service launch(String name, Path jar, Map<String, String> config) throws IOException {
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx256m");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Dquarkus.http.port=" + port);
        config.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(jar.toString());
        Path log = Path.of("target", "it-" + name + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new Service(name, port, process, log);
    }

    /** Waits until {@code service} is ready ({@code /q/health/ready} is 200), failing with its log if it exits. */
    static void awaitReady(Service service) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
            if (!service.process().isAlive()) {
                throw new IllegalStateException(service.name() + " exited: " + Files.readString(service.log()));
            }
            try {
                return HTTP.send(HttpRequest.newBuilder(URI.create(service.url() + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }
}
