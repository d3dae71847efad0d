package dev.avalo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 7. The operating scripts against the five-service system: {@code scripts/rollback.sh} immediate, previous stage and
 * revision, and {@code scripts/emergency-stop.sh} of three live deployments, each checked on the router's applied route.
 */
@Order(4)
@ExtendWith(E2eExtension.class)
class OpsScriptsIT {

    record Run(int exit, String stdout, String stderr, long millis) {
    }

    @Test
    void rollbackModesAndEmergencyStopThroughTheScripts(Scenario s) throws Exception {
        Strategies.canary(s);
        AvaloSystem.SampleApp stable = s.sampleApp("ops-stable");
        AvaloSystem.SampleApp canary = s.sampleApp("ops-canary");

        // immediate
        String a = s.serviceName("ops-a");
        s.register(a, a + "-v1", stable.url());
        String idA = s.start(a, a + "-v2", canary.url(), Strategies.CANARY);
        s.awaitRouterWeight(a, 1000, Duration.ofSeconds(20));
        Run immediate = script(s, "rollback.sh", "deployer", a, "--immediate");
        assertThat(immediate.exit()).as(immediate.stderr()).isZero();
        assertThat(s.routerWeight(a)).isZero();
        assertThat(s.state(idA)).isEqualTo("ROLLED_BACK");

        // previous stage: promoted to stage 2 (50 %), back to stage 1 (10 %) and paused
        String b = s.serviceName("ops-b");
        s.register(b, b + "-v1", stable.url());
        String idB = s.start(b, b + "-v2", canary.url(), Strategies.CANARY);
        s.system.orchestrator.post("approver", "/api/v1/deployments/" + idB + "/promote",
                Map.of("reason", "e2e: to stage 2", "force", true)).expect(200);
        s.awaitRouterWeight(b, 5000, Duration.ofSeconds(20));
        Run previous = script(s, "rollback.sh", "deployer", b, "--stage=previous");
        assertThat(previous.exit()).as(previous.stderr()).isZero();
        assertThat(s.routerWeight(b)).isEqualTo(1000);
        assertThat(s.state(idB)).isEqualTo("PAUSED");

        // revision: all traffic to the earlier revision v1
        Run revision = script(s, "rollback.sh", "deployer", b, "--revision=" + b + "-v1");
        assertThat(revision.exit()).as(revision.stderr()).isZero();
        assertThat(s.routerWeight(b)).isZero();
        assertThat(s.route(b).path("stable").path("revision").asText()).isEqualTo(b + "-v1");
        assertThat(s.state(idB)).isEqualTo("ROLLED_BACK");

        // emergency stop of three live deployments
        List<String> services = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (String x : List.of("ops-c", "ops-d", "ops-e")) {
            String svc = s.serviceName(x);
            s.register(svc, svc + "-v1", stable.url());
            ids.add(s.start(svc, svc + "-v2", canary.url(), Strategies.CANARY));
            services.add(svc);
        }
        for (String svc : services) {
            s.awaitRouterWeight(svc, 1000, Duration.ofSeconds(20));
        }
        Run stop = script(s, "emergency-stop.sh", "approver", null, "--reason", "e2e emergency stop");
        assertThat(stop.exit()).as(stop.stderr()).isZero();
        for (int i = 0; i < 3; i++) {
            assertThat(s.routerWeight(services.get(i))).as(services.get(i)).isZero();
            assertThat(s.state(ids.get(i))).isEqualTo("ROLLED_BACK");
            // emergency-stop.sh reports each stopped deployment on stderr (its stdout stays empty)
            assertThat(stop.stderr()).contains(ids.get(i) + " ROLLED_BACK");
        }
        s.log("script wall times: immediate %d ms, previous stage %d ms, revision %d ms, emergency stop of three %d ms",
                immediate.millis(), previous.millis(), revision.millis(), stop.millis());
        s.log("immediate: %s", last(immediate.stderr()));
        s.log("previous stage: %s", last(previous.stderr()));
        s.log("revision: %s", last(revision.stderr()));
        s.log("emergency stop: %s", last(stop.stderr()));
    }

    private static String last(String text) {
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1];
    }

    private static Run script(Scenario s, String script, String role, String service, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", s.system.root.resolve("scripts").resolve(script).toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(s.system.root.toFile());
        builder.environment().put("AVALO_URL", s.system.orchestrator.base());
        builder.environment().put("AVALO_TOKEN", Api.token(role));
        builder.environment().put("AVALO_ROUTER_ADMIN_URL", s.system.router.base());
        builder.environment().put("AVALO_ENV", AvaloSystem.ENV);
        if (service != null) {
            builder.environment().put("AVALO_SERVICE", service);
        }
        Path dir = s.system.logs.resolve(s.name);
        Files.createDirectories(dir);
        String tag = script.replace(".sh", "") + "-" + System.nanoTime();
        Path out = dir.resolve(tag + ".out");
        Path err = dir.resolve(tag + ".err");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        long t0 = System.nanoTime();
        Process p = builder.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(script + " did not finish within 120 s: " + Files.readString(err));
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8), millis);
    }
}
