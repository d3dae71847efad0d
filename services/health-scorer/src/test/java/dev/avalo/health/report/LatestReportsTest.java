package dev.avalo.health.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class LatestReportsTest {

    private final LatestReports latest = new LatestReports();

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private String get(String service, String environment) {
        return latest.get(service, environment).map(b -> new String(b, StandardCharsets.UTF_8)).orElse(null);
    }

    @Test
    void eachServiceAndEnvironmentKeepsItsLatestReportExactly() {
        assertThat(latest.get("chat-api", "production")).isEmpty();
        latest.put("chat-api", "production", json("{\"score\":91.0,\"breaches\":[]}"));
        latest.put("chat-api", "staging", json("{\"score\":55.0}"));
        latest.put("payments", "production", json("{\"score\":12.0,\"breaches\":[{\"ruleId\":\"error-rate\"}]}"));

        assertThat(get("chat-api", "production")).isEqualTo("{\"score\":91.0,\"breaches\":[]}");
        assertThat(get("chat-api", "staging")).isEqualTo("{\"score\":55.0}");
        assertThat(get("payments", "production")).isEqualTo("{\"score\":12.0,\"breaches\":[{\"ruleId\":\"error-rate\"}]}");
        assertThat(latest.get("payments", "staging")).isEmpty();
    }

    @Test
    void aShorterOrLongerReportReplacesTheLastOneWhole() {
        String longer = "{\"score\":40.0,\"breaches\":[" + "{\"ruleId\":\"r\"},".repeat(200) + "{}]}";
        latest.put("chat-api", "production", json("{\"score\":91.0,\"reasons\":[\"a long sentence\"]}"));
        latest.put("chat-api", "production", json("{}"));
        assertThat(get("chat-api", "production")).isEqualTo("{}");
        latest.put("chat-api", "production", json(longer));
        assertThat(get("chat-api", "production")).isEqualTo(longer);
        latest.put("chat-api", "production", json("{\"score\":99.5}"));
        assertThat(get("chat-api", "production")).isEqualTo("{\"score\":99.5}");
    }

    @Test
    void whatIsReturnedIsACopyThatLaterReportsDoNotChange() {
        byte[] published = json("{\"score\":91.0}");
        latest.put("chat-api", "production", published);
        published[2] = 'X'; // the caller's array is not kept
        byte[] first = latest.get("chat-api", "production").orElseThrow();
        latest.put("chat-api", "production", json("{\"score\":10.0}"));
        assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo("{\"score\":91.0}");
        assertThat(get("chat-api", "production")).isEqualTo("{\"score\":10.0}");
    }
}
