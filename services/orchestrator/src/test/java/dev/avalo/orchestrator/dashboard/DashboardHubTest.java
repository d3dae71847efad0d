package dev.avalo.orchestrator.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import io.nats.client.impl.NatsMessage;

import dev.avalo.contracts.Json;
import dev.avalo.contracts.health.HealthReport;
import dev.avalo.contracts.health.SampleCounts;
import dev.avalo.contracts.health.Verdict;
import dev.avalo.contracts.metrics.RouterMetricsSample;
import dev.avalo.contracts.metrics.StatusCounts;
import dev.avalo.testing.MutableClock;

/** The dashboard's history: router samples kept only for services with health reports, merged per second and revision. */
class DashboardHubTest {

    private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
    private final MutableClock clock = MutableClock.of(T0);
    private final DashboardHub hub = new DashboardHub(null, clock);

    private static NatsMessage message(Object body) {
        return NatsMessage.builder().subject("avalo.test").data(Json.encode(body)).build();
    }

    private static String latency(long... micros) {
        Histogram h = new Histogram(3);
        for (long m : micros) {
            h.recordValue(m);
        }
        ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int n = h.encodeIntoCompressedByteBuffer(buffer);
        byte[] bytes = new byte[n];
        buffer.flip();
        buffer.get(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static RouterMetricsSample sample(String router, String revision, String role, Instant second, long requests,
            long errors, long... micros) {
        return new RouterMetricsSample(router, "chat", "production", revision, role, second, 1000, requests, errors,
                new StatusCounts(requests - errors, 0, 0, errors), latency(micros), 1, requests);
    }

    private void report(double score) {
        hub.health(message(new HealthReport("chat", "production", "v2", null, clock.instant(), score, Map.of(),
                Verdict.CONTINUE, List.of(), List.of(), new SampleCounts(10, 90))));
    }

    @Test
    void samplesAreKeptOnlyForServicesWithHealthReportsAndMergedAcrossRouters() {
        hub.metrics(message(sample("r1", "v2", "canary", T0, 10, 1, 20_000)));
        assertThat(hub.history("chat", "production").traffic()).as("no health report yet: not kept").isEmpty();

        report(91.5);
        List<String> streamed = new ArrayList<>();
        hub.listen(streamed::add);
        for (int s = 0; s < 5; s++) {
            Instant second = T0.plusSeconds(s);
            hub.metrics(message(sample("r1", "v2", "canary", second, 10, 1, 20_000, 30_000)));
            hub.metrics(message(sample("r2", "v2", "canary", second, 30, 2, 10_000, 90_000)));
        }
        DashboardHub.History h = hub.history("chat", "production");
        assertThat(h.health()).extracting(DashboardHub.HealthPoint::score).containsExactly(91.5);
        // seconds 0 and 1 are complete (more than two seconds older than the newest, 4): one point each, summed over routers
        assertThat(h.traffic()).hasSize(2);
        DashboardHub.TrafficPoint first = h.traffic().get(0);
        assertThat(first.at()).isEqualTo(T0);
        assertThat(first.requests()).isEqualTo(40);
        assertThat(first.errors()).isEqualTo(3);
        assertThat(first.p95Ms()).as("the larger router p95").isCloseTo(90.0, org.assertj.core.data.Offset.offset(0.5));
        assertThat(streamed).hasSize(10).allMatch(m -> m.contains("\"kind\":\"traffic\""));
    }

    @Test
    void staleServicesMakeRoomForNewOnes() {
        for (int i = 0; i < DashboardHub.SERVICES; i++) {
            hub.health(message(new HealthReport("svc-" + i, "production", "v2", null, clock.instant(), 95.0, Map.of(),
                    Verdict.PROCEED, List.of(), List.of(), new SampleCounts(1, 1))));
        }
        report(80.0);
        assertThat(hub.history("chat", "production").health()).as("full: not kept").isEmpty();
        clock.advance(java.time.Duration.ofMinutes(16));
        report(82.0);
        assertThat(hub.history("chat", "production").health()).extracting(DashboardHub.HealthPoint::score)
                .containsExactly(82.0);
    }
}
