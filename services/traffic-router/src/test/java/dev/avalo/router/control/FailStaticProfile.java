package dev.avalo.router.control;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

import dev.avalo.testing.OwnNatsServer;

/** The router on the test's own nats-server, which the test stops and restarts; a fresh state file. */
public class FailStaticProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        try {
            return Map.of(
                    "avalo.router.id", "fail-static-router",
                    "avalo.router.state-file",
                    Files.createTempDirectory("avalo-router-state").resolve("routes.json").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(OwnNatsServer.Resource.class));
    }
}
