package dev.avalo.orchestrator.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;

class NatsFailuresTest {

    private static final RuntimeException JETSTREAM_TIMEOUT = new RuntimeException(
            new IOException("Timeout or no response waiting for NATS JetStream server"));

    @Test
    void everyFourthConsecutiveNatsFailureAsksForAReconnect() {
        NatsFailures f = new NatsFailures();
        assertThat(f.failed(JETSTREAM_TIMEOUT)).isFalse();
        assertThat(f.failed(JETSTREAM_TIMEOUT)).isFalse();
        assertThat(f.failed(JETSTREAM_TIMEOUT)).isFalse();
        assertThat(f.failed(JETSTREAM_TIMEOUT)).isTrue();
        assertThat(f.failed(JETSTREAM_TIMEOUT)).isFalse();
        assertThat(f.failed(JETSTREAM_TIMEOUT)).isFalse();
        assertThat(f.failed(JETSTREAM_TIMEOUT)).isFalse();
        assertThat(f.failed(JETSTREAM_TIMEOUT)).as("and again while it does not recover").isTrue();
    }

    @Test
    void aSuccessResetsAndDatabaseFailuresDoNotCount() {
        NatsFailures f = new NatsFailures();
        f.failed(JETSTREAM_TIMEOUT);
        f.failed(JETSTREAM_TIMEOUT);
        f.failed(JETSTREAM_TIMEOUT);
        f.succeeded();
        assertThat(f.failed(JETSTREAM_TIMEOUT)).isFalse();
        RuntimeException database = new RuntimeException(new SQLException("connection refused"));
        for (int i = 0; i < 8; i++) {
            assertThat(f.failed(database)).isFalse();
        }
        assertThat(f.consecutive()).isEqualTo(1);
    }
}
