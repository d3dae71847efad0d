package dev.avalo.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Isolates a test class on the real local NATS server (no Dev Services): a run id {@code t<random>} becomes the subject prefix
 * (subjects {@code <runId>.evt.…} instead of {@code avalo.evt.…}), the events stream {@code AVALO_EVENTS_<RUNID>} and the
 * routes KV bucket {@code avalo-routes-<runId>}. {@link #stop()} deletes that stream and bucket.
 * <p>
 * The server URL is {@code nats://127.0.0.1:4222}, overridable with {@code AVALO_TEST_NATS_URL}.
 */
public class NatsTestResource implements QuarkusTestResourceLifecycleManager {

    /** Default server URL. */
    public static final String DEFAULT_URL = "nats://127.0.0.1:4222";

    private static volatile NatsTestResource current;

    private String url;
    private String runId;

    @Override
    public Map<String, String> start() {
        url = RandomIds.env("AVALO_TEST_NATS_URL", DEFAULT_URL);
        runId = "t" + RandomIds.lowercaseAlnum(10);
        current = this;
        return Map.of(
                "avalo.nats.url", url,
                "avalo.nats.subject-prefix", prefixOf(runId),
                "avalo.nats.events-stream", eventsStreamOf(runId),
                "avalo.nats.routes-bucket", routesBucketOf(runId));
    }

    @Override
    public void stop() {
        if (runId == null) {
            return;
        }
        try (Connection connection = Nats.connect(new Options.Builder().server(url)
                .connectionTimeout(Duration.ofSeconds(5)).maxReconnects(0).build())) {
            ignoreNotFound(() -> connection.keyValueManagement().delete(routesBucketOf(runId)));
            ignoreNotFound(() -> connection.jetStreamManagement().deleteStream(eventsStreamOf(runId)));
        } catch (IOException e) {
            throw new IllegalStateException("NATS test resource cannot clean up at " + url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (current == this) {
                current = null;
            }
            runId = null;
        }
    }

    /** The NATS URL of the running resource. */
    public static String url() {
        return running().url;
    }

    /** The subject prefix of the running resource (the run id), used instead of {@code avalo}. */
    public static String prefix() {
        return prefixOf(running().runId);
    }

    /** The events stream name of the running resource. */
    public static String eventsStream() {
        return eventsStreamOf(running().runId);
    }

    /** The routes KV bucket of the running resource. */
    public static String routesBucket() {
        return routesBucketOf(running().runId);
    }

    private static NatsTestResource running() {
        NatsTestResource resource = current;
        if (resource == null || resource.runId == null) {
            throw new IllegalStateException("no NatsTestResource is running");
        }
        return resource;
    }

    private static String prefixOf(String runId) {
        return runId;
    }

    private static String eventsStreamOf(String runId) {
        return "AVALO_EVENTS_" + runId.toUpperCase(Locale.ROOT);
    }

    private static String routesBucketOf(String runId) {
        return "avalo-routes-" + runId;
    }

    private interface JsAction {
        void run() throws IOException, JetStreamApiException;
    }

    private static void ignoreNotFound(JsAction action) throws IOException {
        try {
            action.run();
        } catch (JetStreamApiException e) {
            if (e.getErrorCode() != 404) {
                throw new IllegalStateException("NATS test resource cleanup failed", e);
            }
        }
    }
}
