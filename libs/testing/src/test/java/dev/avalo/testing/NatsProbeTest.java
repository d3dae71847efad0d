package dev.avalo.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;

/** Runs against the real local NATS server ({@code scripts/dev-infra.sh up}). */
class NatsProbeTest {

    private final NatsTestResource resource = new NatsTestResource();
    private Map<String, String> config;
    private NatsProbe probe;

    @BeforeEach
    void start() {
        config = resource.start();
        probe = NatsProbe.connect(NatsTestResource.url());
    }

    @AfterEach
    void stop() {
        probe.close();
        resource.stop();
    }

    @Test
    void resourceNamesAreDerivedFromOneRunId() {
        String prefix = NatsTestResource.prefix();

        assertThat(prefix).matches("t[a-z0-9]{10}");
        assertThat(config).containsEntry("avalo.nats.subject-prefix", prefix)
                .containsEntry("avalo.nats.events-stream", "AVALO_EVENTS_" + prefix.toUpperCase())
                .containsEntry("avalo.nats.routes-bucket", "avalo-routes-" + prefix)
                .containsEntry("avalo.nats.url", NatsTestResource.url());
    }

    @Test
    void recordsPublishedMessagesOnWildcardSubjects() {
        NatsProbe.Recorder recorder = probe.record(NatsTestResource.prefix() + ".evt.>");

        probe.publish(NatsTestResource.prefix() + ".evt.deployment.started", bytes("one"));
        probe.publish(NatsTestResource.prefix() + ".other", bytes("ignored"));
        probe.publish(NatsTestResource.prefix() + ".evt.deployment.finished", bytes("two"));

        await().atMost(Duration.ofSeconds(5)).until(() -> recorder.size() == 2);
        assertThat(recorder.bodies()).containsExactly("one", "two");
        assertThat(recorder.messages().get(1).getSubject()).endsWith(".evt.deployment.finished");
    }

    @Test
    void respondsToRequestsWithHeaders() {
        probe.respond(NatsTestResource.prefix() + ".cmd.echo",
                message -> bytes(message.getHeaders().getFirst("X-Trace") + ":" + text(message)));

        Message reply = probe.request(NatsTestResource.prefix() + ".cmd.echo", new Headers().add("X-Trace", "abc"), bytes("hi"),
                Duration.ofSeconds(5));

        assertThat(text(reply)).isEqualTo("abc:hi");
    }

    @Test
    void requestWithoutResponderFails() {
        assertThatThrownBy(() -> probe.request(NatsTestResource.prefix() + ".nobody", null, bytes("x"), Duration.ofMillis(500)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void recordsAStreamFromTheBeginningAndReadsKv() throws Exception {
        String stream = NatsTestResource.eventsStream();
        String bucket = NatsTestResource.routesBucket();
        String prefix = NatsTestResource.prefix();
        probe.connection().jetStreamManagement().addStream(StreamConfiguration.builder()
                .name(stream).subjects(prefix + ".evt.>").storageType(StorageType.Memory).build());
        probe.connection().jetStream().publish(prefix + ".evt.a", bytes("first"));
        probe.connection().keyValueManagement().create(KeyValueConfiguration.builder()
                .name(NatsTestResource.routesBucket()).storageType(StorageType.Memory).build());
        probe.connection().keyValue(NatsTestResource.routesBucket()).put("chat-api.production", bytes("{\"generation\":1}"));

        NatsProbe.Recorder recorder = probe.recordStream(stream, prefix + ".evt.>");
        probe.connection().jetStream().publish(prefix + ".evt.b", bytes("second"));

        await().atMost(Duration.ofSeconds(5)).until(() -> recorder.size() == 2);
        assertThat(recorder.bodies()).containsExactly("first", "second");
        assertThat(probe.kvGet(NatsTestResource.routesBucket(), "chat-api.production")).map(NatsProbeTest::text)
                .contains("{\"generation\":1}");
        assertThat(probe.kvGet(NatsTestResource.routesBucket(), "missing")).isEmpty();
        assertThat(probe.kvGet("avalo-routes-does-not-exist", "x")).isEmpty();

        recorder.close();
        resource.stop();
        assertThatThrownBy(() -> probe.connection().jetStreamManagement().getStreamInfo(stream))
                .isInstanceOf(JetStreamApiException.class);
        assertThat(probe.connection().keyValueManagement().getBucketNames()).doesNotContain(bucket);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Message message) {
        return text(message.getData());
    }

    private static String text(byte[] data) {
        return new String(data, StandardCharsets.UTF_8);
    }
}
