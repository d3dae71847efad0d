package dev.avalo.router.control;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;

import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;

import dev.avalo.contracts.Json;
import dev.avalo.contracts.route.DesiredRoute;
import dev.avalo.contracts.route.RouteRejected;
import dev.avalo.contracts.route.RouterApplied;
import dev.avalo.testing.NatsProbe;

/** Helpers that read like the scenario: put a route, expect its ack, read readiness. */
public final class ControlPlaneFixture {

    public static final Duration WAIT = Duration.ofSeconds(15);
    /**
     * The bound for recovering after the test's own nats-server restarted: JetStream answers may lag on a loaded machine, and
     * the router retries with backoff. Generous, because the requirement is that it recovers on its own.
     */
    public static final Duration RECOVERY_WAIT = Duration.ofSeconds(60);

    private ControlPlaneFixture() {
    }

    /** A field of the readiness check's data ({@code nats}, {@code mode}, {@code routes}); readiness must answer 200. */
    public static String readiness(String field) {
        return given().when().get("/q/health/ready").then().statusCode(200).extract().jsonPath()
                .getString("checks.find { it.name == 'routes' }.data." + field);
    }

    /** Waits until the router is connected and watching. */
    public static void awaitLive() {
        awaitLive(WAIT);
    }

    public static void awaitLive(Duration atMost) {
        await().atMost(atMost).until(() -> "live".equals(readiness("mode")));
    }

    public static void put(KeyValue kv, String key, DesiredRoute route) {
        put(kv, key, Json.encode(route));
    }

    public static void put(KeyValue kv, String key, byte[] value) {
        try {
            kv.put(key, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JetStreamApiException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<RouterApplied> acks(NatsProbe.Recorder recorder) {
        return recorder.messages().stream().map(m -> Json.decode(m.getData(), RouterApplied.class)).toList();
    }

    public static List<RouteRejected> rejections(NatsProbe.Recorder recorder) {
        return recorder.messages().stream().map(m -> Json.decode(m.getData(), RouteRejected.class)).toList();
    }

    /** Waits for an ack of {@code generation}. */
    public static RouterApplied awaitAck(NatsProbe.Recorder recorder, long generation) {
        return await().atMost(WAIT).until(
                () -> acks(recorder).stream().filter(a -> a.generation() == generation).findFirst().orElse(null),
                a -> a != null);
    }
}
