package dev.avalo.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;

/** The test's own nats-server: JetStream answers as soon as start() returns, a restart keeps the store and the port. */
class OwnNatsServerTest {

    private OwnNatsServer server;

    @BeforeEach
    void start() {
        server = OwnNatsServer.start("own-nats-test");
    }

    @AfterEach
    void close() {
        server.close();
    }

    @Test
    void jetStreamAnswersWhenStartReturnsAndARestartKeepsTheStore() throws Exception {
        try (NatsProbe nats = NatsProbe.connect(server.url())) {
            nats.connection().keyValueManagement().create(KeyValueConfiguration.builder().name("kept")
                    .storageType(StorageType.File).build());
            nats.connection().keyValue("kept").put("k", "v1".getBytes(StandardCharsets.UTF_8));
        }

        server.stop();
        assertThat(server.isRunning()).isFalse();
        server.start();

        // no retry: the first JetStream request after start() must be answered
        try (NatsProbe nats = NatsProbe.connect(server.url())) {
            KeyValue kv = nats.connection().keyValue("kept");
            assertThat(new String(kv.get("k").getValue(), StandardCharsets.UTF_8)).isEqualTo("v1");
            kv.put("k", "v2".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(server.isRunning()).isTrue();
    }

    @Test
    void aRestartRefusesAPortSomeoneElseTookMeanwhile() throws IOException {
        server.stop();

        try (ServerSocket stranger = new ServerSocket(server.port(), 50, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("taken by another process");
            assertThat(server.isRunning()).isFalse();
        }
    }
}
