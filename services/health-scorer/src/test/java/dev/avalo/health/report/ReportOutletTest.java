package dev.avalo.health.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.avalo.contracts.Json;
import dev.avalo.contracts.health.HealthReport;
import dev.avalo.contracts.health.Verdict;

class ReportOutletTest {

    private record Sent(String service, String environment, byte[] json) {
    }

    private final List<Sent> sent = new ArrayList<>();
    private final LatestReports latest = new LatestReports();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ReportOutlet outlet = new ReportOutlet((s, e, json) -> sent.add(new Sent(s, e, json)), latest,
            new ScoreGauges(registry));

    private static HealthReport report(String service, double score) {
        return new HealthReport(service, "production", "v2", "d-" + service, Instant.EPOCH, score, Map.of(),
                Verdict.CONTINUE, null, null, null);
    }

    private void publishesEachInOrderKeepsItAndExportsIt(int n) {
        List<HealthReport> reports = IntStream.range(0, n).mapToObj(k -> report("svc-" + k, k % 100)).toList();
        outlet.accept(reports);

        assertThat(sent).extracting(Sent::service).containsExactlyElementsOf(reports.stream().map(HealthReport::service)
                .toList());
        for (int k = 0; k < n; k++) {
            HealthReport back = Json.decode(sent.get(k).json(), HealthReport.class);
            assertThat(back).as("report %d as published", k).isEqualTo(reports.get(k));
            assertThat(latest.get("svc-" + k, "production")).get().isEqualTo(sent.get(k).json());
            assertThat(registry.get("avalo.health.score").tag("service", "svc-" + k).gauge().value())
                    .isEqualTo(k % 100);
        }
    }

    @Test
    void aFewReportsArePublishedInOrderKeptAndExported() {
        publishesEachInOrderKeepsItAndExportsIt(3);
    }

    @Test
    void aLargeTicksReportsEncodedOnAllCoresArePublishedInTheirOrder() {
        publishesEachInOrderKeepsItAndExportsIt(ReportOutlet.PARALLEL_FROM * 5 + 7);
    }

    @Test
    void noReportsPublishNothing() {
        outlet.accept(List.of());
        assertThat(sent).isEmpty();
    }
}
