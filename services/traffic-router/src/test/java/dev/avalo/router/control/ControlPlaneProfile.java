package dev.avalo.router.control;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

import dev.avalo.testing.NatsTestResource;

/**
 * The router on the shared local NATS server with its own subject prefix and routes bucket (NatsTestResource), a fixed router
 * id and a fresh state file.
 */
public class ControlPlaneProfile implements QuarkusTestProfile {

    public static final String ROUTER_ID = "test-router";

    @Override
    public Map<String, String> getConfigOverrides() {
        try {
            return Map.of(
                    "avalo.router.id", ROUTER_ID,
                    "avalo.router.state-file",
                    Files.createTempDirectory("avalo-router-state").resolve("routes.json").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(NatsTestResource.class));
    }
}
