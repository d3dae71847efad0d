package dev.avalo.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.avalo.contracts.health.HealthReport;
import dev.avalo.contracts.health.Verdict;
import dev.avalo.contracts.metrics.CustomMetric;
import dev.avalo.contracts.route.RouteTarget;
import dev.avalo.contracts.route.RouterApplied;

/** The wire codec: clear errors, tolerant reads, ISO-8601 instants. */
class JsonTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "not json", "{\"routerId\":\"r-1\",}", "[1,2", "{\"generation\":\"many\"}",
            "{\"appliedAt\":\"yesterday\"}"})
    void malformedJsonIsAnIllegalArgumentNamingTheType(String json) {
        assertThatThrownBy(() -> Json.decode(bytes(json), RouterApplied.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RouterApplied");
    }

    @Test
    void nullForAPrimitiveIsRefused() {
        assertThatThrownBy(() -> Json.decode(bytes("{\"routerId\":\"r-1\",\"generation\":null}"), RouterApplied.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RouterApplied");
    }

    @Test
    void missingPrimitiveIsRefused() {
        assertThatThrownBy(() -> Json.decode(bytes("{\"routerId\":\"r-1\",\"appliedAt\":\"2026-11-28T10:00:01Z\"}"),
                RouterApplied.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RouterApplied");
    }

    @Test
    void unknownPropertiesAreTolerated() {
        RouterApplied applied = Json.decode(bytes("""
                {"routerId":"r-1","generation":42,"appliedAt":"2026-11-28T10:00:01Z",
                 "addedByANewerPeer":{"nested":[1,2,3]},"zone":"eu-west-1a"}
                """), RouterApplied.class);

        assertThat(applied).isEqualTo(new RouterApplied("r-1", 42, Instant.parse("2026-11-28T10:00:01Z")));
    }

    @Test
    void unknownEnumValueIsRefusedNamingTheType() {
        assertThatThrownBy(() -> Json.decode(bytes("{\"verdict\":\"MAYBE\"}"), HealthReport.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("HealthReport");
    }

    @Test
    void instantsAreIsoStrings() throws Exception {
        byte[] json = Json.encode(new RouterApplied("r-1", 42, Instant.parse("2026-11-28T10:00:01Z")));

        JsonNode tree = new ObjectMapper().readTree(json);
        assertThat(tree.get("appliedAt").isTextual()).isTrue();
        assertThat(tree.get("appliedAt").asText()).isEqualTo("2026-11-28T10:00:01Z");
        assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"appliedAt\":\"2026-11-28T10:00:01Z\"");
    }

    @Test
    void instantsKeepMillisecondsAndRoundTrip() {
        Instant at = Instant.parse("2026-11-28T10:00:01.137Z");
        byte[] json = Json.encode(new CustomMetric("chat-api-v123", "cpu_percent", 41.5, "gauge", at));

        assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"at\":\"2026-11-28T10:00:01.137Z\"");
        assertThat(Json.decode(json, CustomMetric.class).at()).isEqualTo(at);
    }

    @Test
    void offsetInstantsAreReadAsTheSameInstant() {
        RouterApplied applied = Json.decode(
                bytes("{\"routerId\":\"r-1\",\"generation\":1,\"appliedAt\":\"2026-11-28T11:00:01+01:00\"}"),
                RouterApplied.class);

        assertThat(applied.appliedAt()).isEqualTo(Instant.parse("2026-11-28T10:00:01Z"));
    }

    @Test
    void nullOptionalFieldsAreOmitted() throws Exception {
        HealthReport report = new HealthReport("chat-api", "production", "chat-api-v123", null,
                Instant.parse("2026-11-28T10:00:01Z"), null, null, Verdict.INSUFFICIENT_DATA, null, null, null);

        JsonNode tree = new ObjectMapper().readTree(Json.encode(report));

        assertThat(tree.has("deploymentId")).isFalse();
        assertThat(tree.has("score")).isFalse();
        assertThat(tree.get("verdict").asText()).isEqualTo("INSUFFICIENT_DATA");
        assertThat(tree.get("breaches").isArray()).isTrue();
        assertThat(tree.get("breaches")).isEmpty();
    }

    @Test
    void configureAppliesTheWireSettingsToAnotherMapper() throws Exception {
        ObjectMapper other = Json.configure(new ObjectMapper());

        assertThat(other.writeValueAsString(new RouterApplied("r-1", 1, Instant.parse("2026-11-28T10:00:01Z"))))
                .contains("\"appliedAt\":\"2026-11-28T10:00:01Z\"");
        assertThat(other.readValue("{\"revision\":\"v1\",\"upstreams\":[],\"extra\":true}", RouteTarget.class))
                .isEqualTo(new RouteTarget("v1", List.of()));
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
