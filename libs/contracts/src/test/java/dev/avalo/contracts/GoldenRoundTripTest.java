package dev.avalo.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.stream.Stream;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cloudevents.CloudEvent;

import dev.avalo.contracts.deployment.DeploymentCommand;
import dev.avalo.contracts.deployment.DeploymentEventData;
import dev.avalo.contracts.deployment.DeploymentEventType;
import dev.avalo.contracts.deployment.DeploymentView;
import dev.avalo.contracts.deployment.EmergencyStopRequest;
import dev.avalo.contracts.deployment.RegisterServiceRequest;
import dev.avalo.contracts.deployment.StartDeploymentRequest;
import dev.avalo.contracts.health.HealthReport;
import dev.avalo.contracts.health.Verdict;
import dev.avalo.contracts.metrics.CustomMetric;
import dev.avalo.contracts.metrics.MetricsBatch;
import dev.avalo.contracts.metrics.RouterMetricsSample;
import dev.avalo.contracts.problem.Problem;
import dev.avalo.contracts.route.DesiredRoute;
import dev.avalo.contracts.route.RouteRejected;
import dev.avalo.contracts.route.RouterApplied;
import dev.avalo.contracts.schedule.ScheduleCheckReply;
import dev.avalo.contracts.schedule.ScheduleCheckRequest;
import dev.avalo.contracts.schedule.ScheduleVerdict;

/**
 * Every golden file under {@code src/test/resources/golden/} is a DESIGN.md §4/§4b example made concrete. Each one decodes into
 * its record and re-encodes to the same JSON tree, so field names and shapes match DESIGN exactly. A changed golden file is a
 * contract change.
 */
class GoldenRoundTripTest {

    /** A plain mapper, independent of the codec under test, to read the files as trees. */
    private static final ObjectMapper TREES = new ObjectMapper();

    static Stream<Arguments> goldenFiles() {
        return Stream.of(
                Arguments.of("desired-route.json", DesiredRoute.class),
                Arguments.of("router-metrics-sample.json", RouterMetricsSample.class),
                Arguments.of("health-report.json", HealthReport.class),
                Arguments.of("router-applied.json", RouterApplied.class),
                Arguments.of("route-rejected.json", RouteRejected.class),
                Arguments.of("custom-metric.json", CustomMetric.class),
                Arguments.of("metrics-batch.json", MetricsBatch.class),
                Arguments.of("schedule-check-request.json", ScheduleCheckRequest.class),
                Arguments.of("schedule-check-reply.json", ScheduleCheckReply.class),
                Arguments.of("start-deployment-request.json", StartDeploymentRequest.class),
                Arguments.of("deployment-command.json", DeploymentCommand.class),
                Arguments.of("emergency-stop-request.json", EmergencyStopRequest.class),
                Arguments.of("deployment-view.json", DeploymentView.class),
                Arguments.of("register-service-request.json", RegisterServiceRequest.class),
                Arguments.of("problem.json", Problem.class),
                Arguments.of("freeze-event-data.json", dev.avalo.contracts.schedule.FreezeEventData.class),
                Arguments.of("incident-event-data.json", dev.avalo.contracts.incident.IncidentEventData.class));
    }

    @ParameterizedTest(name = "{0} round-trips through {1}")
    @MethodSource("goldenFiles")
    void roundTrips(String file, Class<?> type) throws IOException {
        byte[] golden = golden(file);

        Object decoded = Json.decode(golden, type);
        byte[] reencoded = Json.encode(decoded);

        assertThat(decoded).isInstanceOf(type);
        assertThat(TREES.readTree(reencoded)).as("%s re-encoded from %s", file, type.getSimpleName())
                .isEqualTo(TREES.readTree(golden));
        // decoding the re-encoded bytes yields an equal record: nothing is lost either way
        assertThat(Json.decode(reencoded, type)).isEqualTo(decoded);
    }

    @Test
    void desiredRouteCarriesTheDesignValues() {
        DesiredRoute route = Json.decode(golden("desired-route.json"), DesiredRoute.class);

        assertThat(route.generation()).isEqualTo(42);
        assertThat(route.canaryWeightBasisPoints()).isEqualTo(100);
        assertThat(route.stable().revision()).isEqualTo("chat-api-v122");
        assertThat(route.canary().upstreams()).containsExactly("http://10.0.0.9:8080");
        assertThat(route.stickiness().header()).isEqualTo("X-User-Id");
        assertThat(route.stickiness().cookie()).isNull();
    }

    @Test
    void routerSampleLatencyIsACompressedV2HdrHistogramOfItsRequests() throws Exception {
        RouterMetricsSample sample = Json.decode(golden("router-metrics-sample.json"), RouterMetricsSample.class);

        Histogram latency = Histogram.decodeFromCompressedByteBuffer(
                ByteBuffer.wrap(Base64.getDecoder().decode(sample.latency())), 0);

        assertThat(latency.getTotalCount()).isEqualTo(sample.requests()).isEqualTo(812);
        // microseconds: a chat API answering in tens of milliseconds
        assertThat(latency.getValueAtPercentile(50)).isBetween(10_000L, 100_000L);
        assertThat(sample.windowStart()).isEqualTo(Instant.parse("2026-11-28T10:00:01Z"));
        assertThat(sample.status().s2xx() + sample.status().s3xx() + sample.status().s4xx() + sample.status().s5xx())
                .isEqualTo(sample.requests());
        assertThat(sample.status().s5xx()).isEqualTo(sample.errors());
    }

    @Test
    void healthReportHasAllFiveComponentsABreachAndAGate() {
        HealthReport report = Json.decode(golden("health-report.json"), HealthReport.class);

        assertThat(report.components()).containsOnlyKeys("errorRate", "latency", "throughput", "resource",
                "userImpact");
        assertThat(report.components().values().stream().mapToDouble(c -> c.weight()).sum()).isCloseTo(1.0,
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat(report.verdict()).isEqualTo(Verdict.ROLLBACK);
        assertThat(report.breaches()).singleElement().satisfies(b -> {
            assertThat(b.ruleId()).isEqualTo("error-rate-3m");
            assertThat(b.observed()).isEqualTo(3.1);
            assertThat(b.threshold()).isEqualTo(2.0);
        });
        assertThat(report.gates()).singleElement().satisfies(g -> assertThat(g.status()).isEqualTo("PASS"));
        assertThat(report.breaches().get(0).lower()).isEqualTo(2.6);
        assertThat(report.breaches().get(0).samples()).isEqualTo(14820L);
        assertThat(report.gates().get(0).upper()).isEqualTo(99.8);
        assertThat(report.confidence()).isEqualTo("Wilson 95%");
        assertThat(report.reasons()).hasSize(2).allMatch(r -> !r.isBlank());
    }

    @Test
    void healthReportWithoutTheOptionalBoundsStillDecodesAndOmitsThem() {
        String older = """
                {"service":"chat-api","environment":"production","revision":"chat-api-v123","at":"2026-11-28T10:18:00Z",
                 "score":93.4,"verdict":"PROCEED",
                 "breaches":[{"ruleId":"r","description":"d","observed":1.0,"threshold":2.0,"since":"2026-11-28T10:15:00Z"}],
                 "gates":[{"gate":"error-rate","status":"PASS","observed":0.4}],
                 "samples":{"canaryRequests":1,"stableRequests":2}}
                """;
        HealthReport report = Json.decode(older.getBytes(java.nio.charset.StandardCharsets.UTF_8), HealthReport.class);

        assertThat(report.breaches().get(0).lower()).isNull();
        assertThat(report.gates().get(0).detail()).isNull();
        assertThat(report.confidence()).isNull();
        String encoded = new String(Json.encode(new HealthReport("chat-api", "production", "v2", null,
                Instant.parse("2026-11-28T10:18:00Z"), 93.4, null, Verdict.PROCEED,
                java.util.List.of(new dev.avalo.contracts.health.Breach("r", "d", 1.0, 2.0, null)),
                java.util.List.of(new dev.avalo.contracts.health.GateResult("error-rate", "PASS", 0.4)), null)),
                java.nio.charset.StandardCharsets.UTF_8);
        assertThat(report.reasons()).isNull();
        assertThat(encoded).doesNotContain("lower", "upper", "detail", "confidence", "reasons");
    }

    @Test
    void scheduleCheckCarriesTheEmergencyOverride() {
        ScheduleCheckRequest request = Json.decode(golden("schedule-check-request.json"), ScheduleCheckRequest.class);
        ScheduleCheckReply reply = Json.decode(golden("schedule-check-reply.json"), ScheduleCheckReply.class);

        assertThat(request.emergency().approvedBy()).isEqualTo("carol");
        assertThat(reply.verdict()).isEqualTo(ScheduleVerdict.OVERRIDDEN);
        assertThat(reply.allowed()).isTrue();
        assertThat(reply.activeFreezes()).singleElement().satisfies(f -> assertThat(f.kind()).isEqualTo("business-event"));
    }

    @Test
    void deploymentEventIsAStructuredCloudEventWithDeploymentData() throws IOException {
        byte[] golden = golden("deployment-event.json");

        CloudEvent event = CloudEvents.decode(golden);

        assertThat(event.getSpecVersion().toString()).isEqualTo("1.0");
        assertThat(event.getId()).isEqualTo("0b6f4f3e-2c1a-4d7e-9a51-8e3b5c7d9f10");
        assertThat(event.getSource()).isEqualTo(URI.create("/avalo/orchestrator"));
        assertThat(event.getType()).isEqualTo("avalo.deployment.created")
                .isEqualTo(DeploymentEventType.CREATED.type());
        assertThat(event.getSubject()).isEqualTo("7f3c2a9e-5b1d-4e8a-9c6f-2d4b8a1e0f37");
        assertThat(event.getTime().toInstant()).isEqualTo(Instant.parse("2026-11-28T09:59:58.402Z"));
        assertThat(event.getDataContentType()).isEqualTo("application/json");

        DeploymentEventData data = CloudEvents.data(event, DeploymentEventData.class);
        assertThat(data.deployment().id()).isEqualTo(event.getSubject());
        assertThat(data.deployment().state()).isEqualTo("PENDING");
        assertThat(data.cause().actor()).isEqualTo("alice");

        JsonNode goldenTree = TREES.readTree(golden);
        assertThat(TREES.readTree(Json.encode(data))).as("data re-encoded").isEqualTo(goldenTree.get("data"));

        // the envelope we publish is the same tree
        byte[] reencoded = CloudEvents.encode(event.getId(), event.getSource(), event.getType(), event.getSubject(),
                event.getTime().withOffsetSameInstant(ZoneOffset.UTC).toInstant(), data);
        assertThat(TREES.readTree(reencoded)).as("event re-encoded").isEqualTo(goldenTree);
    }

    static byte[] golden(String file) {
        try (InputStream in = GoldenRoundTripTest.class.getResourceAsStream("/golden/" + file)) {
            assertThat(in).as("golden file %s", file).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
