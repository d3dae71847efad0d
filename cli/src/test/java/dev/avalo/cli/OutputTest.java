package dev.avalo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.avalo.contracts.Json;

/** Text rendering: problems name status, title, detail, field and details; the watch bar follows the weight. */
class OutputTest {

    @Test
    void problemShowsStatusTitleDetailFieldErrorsAndDetails() throws Exception {
        JsonNode body = Json.mapper().readTree("""
                {"type":"about:blank","title":"Locked","status":423,"detail":"the schedule blocks it",
                 "field":"environment","errors":[{"field":"upstreams[0]","message":"must be http(s)"}],
                 "details":{"verdict":"BLOCKED","reasons":["Black Friday freeze","next allowed at 2026-12-01T15:00:00Z"]}}
                """);
        ProblemException p = new ProblemException("POST", "http://o/api/v1/deployments", 423, body, "");
        assertThat(p.exitCode()).isEqualTo(ExitCodes.BLOCKED);
        assertThat(Output.problem(p)).isEqualTo("""
                avalo: POST http://o/api/v1/deployments failed: HTTP 423 Locked
                  detail: the schedule blocks it
                  field: environment
                  - upstreams[0]: must be http(s)
                  verdict: BLOCKED
                  reasons:
                    - Black Friday freeze
                    - next allowed at 2026-12-01T15:00:00Z
                """);
        assertThat(new ProblemException("GET", "u", 404, null, "").exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(new ProblemException("GET", "u", 409, null, "").exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(Output.problem(new ProblemException("GET", "u", 502, null, "Bad gateway")))
                .contains("HTTP 502", "body: Bad gateway");
    }

    @Test
    void barAndPercentFollowTheWeight() throws Exception {
        assertThat(Output.bar(0, 10)).isEqualTo("[----------]");
        assertThat(Output.bar(1000, 10)).isEqualTo("[#---------]");
        assertThat(Output.bar(5000, 10)).isEqualTo("[#####-----]");
        assertThat(Output.bar(10000, 10)).isEqualTo("[##########]");
        assertThat(Output.percent(100)).isEqualTo("1 %");
        assertThat(Output.percent(150)).isEqualTo("1.5 %");
        assertThat(Output.percent(10000)).isEqualTo("100 %");
        JsonNode d = Json.mapper().readTree("""
                {"id":"x","service":"s","environment":"staging","state":"RUNNING",
                 "stage":{"index":1,"name":"canary-50","weightBasisPoints":5000},
                 "health":{"score":96.54,"verdict":"PROCEED"}}""");
        assertThat(Output.watchLine(d, d.get("health"), 3)).isEqualTo(
                "[###############---------------]    50 %  stage 2/3 canary-50  RUNNING  score 96.5 PROCEED");
    }
}
