package dev.avalo.orchestrator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.avalo.orchestrator.strategy.Gates;

/**
 * The dashboard in headless Debian Chromium (playwright-core, src/test/dashboard): it renders a running deployment with its
 * report, gates and timeline, takes a new health report from the event stream without a reload, rolls back with its button, and
 * shows a viewer no action button. Needs {@code /usr/bin/chromium} (scripts/test.sh installs it) and node; without them it is
 * skipped, except under CI, where it fails.
 */
@QuarkusTest
class DashboardBrowserTest extends OrchestratorTestBase {

    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("AVALO_TEST_CHROMIUM", "/usr/bin/chromium"));
    private static final Path SCRIPT_DIR = Path.of("src/test/dashboard");

    @TestHTTPResource("/dashboard/")
    URL dashboard;

    @Test
    void rendersUpdatesLiveRollsBackAndHidesActionsFromViewers() throws Exception {
        boolean ready = Files.isExecutable(CHROMIUM) && Files.isDirectory(SCRIPT_DIR.resolve("node_modules/playwright-core"));
        if (System.getenv("CI") != null) {
            assertThat(ready).as("CI needs " + CHROMIUM + " and src/test/dashboard/node_modules (npm ci)").isTrue();
        }
        Assumptions.assumeTrue(ready, "no Chromium or playwright-core here");

        String service = unique("dash");
        String id = startProduction(service);
        awaitRoute(service, "production", 100, 2);
        publishHealth(id, report(service, "production", service + "-v2", 95.0, List.of(), List.copyOf(Gates.names())));

        Path shot = Path.of("target/dashboard-mid-canary.png");
        ProcessBuilder pb = new ProcessBuilder("node", "check-dashboard.mjs").directory(SCRIPT_DIR.toFile());
        pb.environment().put("DASH_URL", dashboard.toString());
        pb.environment().put("DEPLOYER_TOKEN", token("deployer"));
        pb.environment().put("VIEWER_TOKEN", token("viewer"));
        pb.environment().put("SERVICE", service);
        pb.environment().put("DEPLOYMENT_ID", id);
        pb.environment().put("SCREENSHOT", shot.toAbsolutePath().toString());
        pb.environment().put("CHROMIUM", CHROMIUM.toString());
        pb.redirectErrorStream(true);
        Process node = pb.start();
        List<String> output = Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    output.add(line);
                }
            } catch (IOException e) {
                output.add("reader: " + e);
            }
        });
        reader.start();
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> output.contains("READY") || !node.isAlive());
            assertThat(output).as("node output").contains("READY");
            CLOCK.advance(Duration.ofSeconds(30));
            publishHealth(id, report(service, "production", service + "-v2", 87.5, List.of(), List.copyOf(Gates.names())));
            assertThat(node.waitFor(90, TimeUnit.SECONDS)).as("node finished").isTrue();
            reader.join(5000);
            assertThat(node.exitValue()).as("node exit; output " + output).isZero();
            assertThat(output).contains("ROLLED", "VIEWER-OK");
        } finally {
            node.destroyForcibly();
        }
        assertThat(state(id)).isIn("ROLLING_BACK", "ROLLED_BACK");
        assertThat(Files.size(shot)).isGreaterThan(10_000);
    }
}
