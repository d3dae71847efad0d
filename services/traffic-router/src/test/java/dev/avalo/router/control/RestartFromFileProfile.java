package dev.avalo.router.control;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

import dev.avalo.contracts.Json;
import dev.avalo.testing.OwnNatsServer;

/**
 * A router restarting during a NATS outage: NATS points at a port nobody listens on and the state file holds the routes the
 * previous process applied (one of them for another environment, which must not be restored).
 */
public class RestartFromFileProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        try {
            Path file = Files.createTempDirectory("avalo-router-state").resolve("routes.json");
            Files.write(file, Json.encode(List.of(
                    Routes.route("restored-api", 7, 2500),
                    Routes.route("restored-web", 3, 0),
                    Routes.route("elsewhere", "staging", 9, 100))));
            return Map.of(
                    "avalo.router.state-file", file.toString(),
                    "avalo.nats.url", "nats://127.0.0.1:" + OwnNatsServer.freePort(),
                    "avalo.nats.subject-prefix", "unreachable",
                    "avalo.nats.routes-bucket", "avalo-routes-unreachable");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
