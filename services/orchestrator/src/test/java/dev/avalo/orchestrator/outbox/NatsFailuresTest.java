package dev.avalo.orchestrator.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.sql.SQLException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;

class NatsFailuresTest {

    private static final RuntimeException JETSTREAM_TIMEOUT = new RuntimeException(
            new IOException("Timeout or no response waiting for NATS JetStream server"));

    /** What a pipelined KV put reported after a nats-server restart (e2e NatsRestartIT). */
    private static final RuntimeException ASYNC_PUBLISH_CANCELLED = new RuntimeException(new ExecutionException(
            new CancellationException("Future cancelled, response not registered in time, check connection status.")));

    @Test
    void everySecondConsecutiveNatsFailureAsksForAReconnect() {
        NatsFailures f = new NatsFailures();
        assertThat(f.failed(ASYNC_PUBLISH_CANCELLED)).isFalse();
        assertThat(f.failed(JETSTREAM_TIMEOUT)).isTrue();
        assertThat(f.failed(ASYNC_PUBLISH_CANCELLED)).isFalse();
        assertThat(f.failed(ASYNC_PUBLISH_CANCELLED)).as("and again while it does not recover").isTrue();
    }

    @Test
    void aSuccessResetsAndDatabaseFailuresDoNotCount() {
        NatsFailures f = new NatsFailures();
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
