package dev.avalo.health.source.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import dev.avalo.health.source.custom.CustomMetrics;
import dev.avalo.health.verdict.LiveCanary;
import dev.avalo.health.window.MetricKind;

/**
 * The Prometheus source against a real Prometheus (Debian package {@code prometheus}, {@code /usr/bin/prometheus} or
 * {@code AVALO_TEST_PROMETHEUS}) started on a free port, scraping a small test app every second.
 */
class PrometheusSourceTest extends dev.avalo.health.source.MetricsSourceContractTest {

    @Override
    protected dev.avalo.health.source.MetricsSource deliveringSource() {
        PrometheusSource source = new PrometheusSource(url, Map.of("cpu_percent", "vector(1)"), Duration.ofSeconds(2));
        source.poll(List.of(canary()), Instant.now(), (s, e, v) -> {
        });
        return source;
    }

    @Override
    protected dev.avalo.health.source.MetricsSource silentSource() throws IOException {
        PrometheusSource source = new PrometheusSource(URI.create("http://127.0.0.1:" + freePort()),
                Map.of("cpu_percent", "vector(1)"), Duration.ofSeconds(1));
        source.poll(List.of(canary()), Instant.now(), (s, e, v) -> {
        });
        return source;
    }

    private static final String EXPOSITION = """
            # HELP app_cpu_percent CPU use.
            # TYPE app_cpu_percent gauge
            app_cpu_percent{service="chat-api",revision="chat-api-v2"} 42.5
            app_cpu_percent{service="chat-api",revision="chat-api-v1"} 30
            # HELP app_payment_failures_total Failed payments.
            # TYPE app_payment_failures_total counter
            app_payment_failures_total{service="chat-api",revision="chat-api-v2"} 7
            """;

    private static HttpServer app;
    private static Process prometheus;
    private static Path dir;
    private static URI url;

    private static int freePort() throws IOException {
        while (true) {
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                int port = s.getLocalPort();
                if (port != 8000 && (port < 8080 || port > 8084)) {
                    return port;
                }
            }
        }
    }

    @BeforeAll
    static void startPrometheus() throws Exception {
        String binary = System.getenv().getOrDefault("AVALO_TEST_PROMETHEUS", "/usr/bin/prometheus");
        Assumptions.assumeTrue(Files.isExecutable(Path.of(binary)),
                "Prometheus is not installed (apt-get install prometheus); set AVALO_TEST_PROMETHEUS to its binary");
        app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        app.createContext("/metrics", exchange -> {
            byte[] body = EXPOSITION.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        app.start();
        dir = Files.createTempDirectory("avalo-prometheus-");
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: app
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                """.formatted(app.getAddress().getPort()));
        int port = freePort();
        url = URI.create("http://127.0.0.1:" + port);
        prometheus = new ProcessBuilder(binary, "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port).redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> http
                .send(HttpRequest.newBuilder(url.resolve("/-/ready")).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode() == 200);
    }

    @AfterAll
    static void stop() throws Exception {
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly();
            }
        }
        if (app != null) {
            app.stop(0);
        }
    }

    private static LiveCanary canary() {
        return new LiveCanary("chat-api", "production", "d-1", "chat-api-v2", "chat-api-v1", 0.1, "canary-10",
                List.of(), Instant.now(), Instant.now());
    }

    @Test
    void feedsEveryConfiguredQueryPerRevisionWithPlaceholdersFilledIn() {
        PrometheusSource source = new PrometheusSource(url, Map.of(
                "cpu_percent", "app_cpu_percent{service=\"{service}\",revision=\"{revision}\"}",
                "payment_failures", "app_payment_failures_total{service=\"{service}\",revision=\"{revision}\"}"),
                Duration.ofSeconds(2));
        List<String> fed = new CopyOnWriteArrayList<>();
        List<CustomMetrics.Valid> values = new CopyOnWriteArrayList<>();
        // the first scrape lands within a couple of seconds
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
            values.clear();
            source.poll(List.of(canary()), Instant.now(), (service, environment, v) -> {
                fed.add(service + "/" + environment);
                values.add(v);
            });
            return values.size() == 3;
        });
        assertThat(source.online()).isTrue();
        assertThat(fed).allMatch(x -> x.equals("chat-api/production"));
        assertThat(values).anySatisfy(v -> {
            assertThat(v.revision()).isEqualTo("chat-api-v2");
            assertThat(v.name()).isEqualTo("cpu_percent");
            assertThat(v.kind()).isEqualTo(MetricKind.GAUGE);
            assertThat(v.value()).isEqualTo(42.5);
        });
        assertThat(values).anySatisfy(v -> {
            assertThat(v.revision()).isEqualTo("chat-api-v1");
            assertThat(v.value()).isEqualTo(30.0);
        });
        assertThat(values).anySatisfy(v -> {
            assertThat(v.name()).isEqualTo("payment_failures");
            assertThat(v.kind()).isEqualTo(MetricKind.COUNTER);
            assertThat(v.value()).isEqualTo(7.0);
        });
    }

    @Test
    void aBadQueryTakesTheSourceOfflineWithPrometheusOwnError() {
        PrometheusSource source = new PrometheusSource(url, Map.of("cpu_percent", "app_cpu_percent{"),
                Duration.ofSeconds(2));
        assertThat(source.poll(List.of(canary()), Instant.now(), (s, e, v) -> {
        })).isZero();
        assertThat(source.online()).isFalse();
        assertThat(source.lastError()).contains("cpu_percent").contains("HTTP 400").contains("parse error");
    }

    @Test
    void anUnreachablePrometheusIsOfflineNotEmpty() throws IOException {
        PrometheusSource source = new PrometheusSource(URI.create("http://127.0.0.1:" + freePort()),
                Map.of("cpu_percent", "up"), Duration.ofSeconds(1));
        source.poll(List.of(canary()), Instant.now(), (s, e, v) -> {
        });
        assertThat(source.online()).isFalse();
        assertThat(source.lastError()).isNotBlank();
    }

    @Test
    void onlyPushableMetricsCanBeFed() {
        assertThatThrownBy(() -> new PrometheusSource(url, Map.of("error_rate", "up"), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("error_rate");
    }
}
