package dev.avalo.notifier.incident;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

import dev.avalo.contracts.incident.IncidentEventData;

class PagerDutyWebhookTest {

    static final String SECRET = "pd-webhook-secret-1";
    static final String OLD_SECRET = "pd-webhook-secret-0";

    static final String TRIGGERED = """
            {"event":{"id":"01DEN4HPBQAAAG05V5QQYBRZMF","event_type":"incident.triggered","resource_type":"incident",
              "occurred_at":"2026-11-28T15:10:00.123Z",
              "agent":{"html_url":"https://acme.pagerduty.com/users/PLH1HKV","id":"PLH1HKV","self":"https://api.pagerduty.com/users/PLH1HKV","summary":"Tenex Engineer","type":"user_reference"},
              "client":null,
              "data":{"id":"PGR0VU2","type":"incident","self":"https://api.pagerduty.com/incidents/PGR0VU2",
                "html_url":"https://acme.pagerduty.com/incidents/PGR0VU2","number":2,"status":"triggered",
                "incident_key":"d3640fbd41094207a1c11e58e46b1662","created_at":"2026-11-28T15:10:00Z",
                "title":"Payments API error rate above 5%",
                "service":{"html_url":"https://acme.pagerduty.com/services/PF9KMXH","id":"PF9KMXH","self":"https://api.pagerduty.com/services/PF9KMXH","summary":"API Service","type":"service_reference"},
                "assignees":[],"escalation_policy":{"id":"PJ4GO9T","type":"escalation_policy_reference"},"teams":[],
                "priority":null,"urgency":"high","conference_bridge":null,"resolve_reason":null}}}
            """;

    static final String RESOLVED = """
            {"event":{"id":"01DEN4HPBQAAAG05V5QQYBRZMG","event_type":"incident.resolved","resource_type":"incident",
              "occurred_at":"2026-11-28T15:42:30Z",
              "data":{"id":"PGR0VU2","type":"incident","number":2,"status":"resolved",
                "incident_key":"avalo/chat-api/production/dep-42","created_at":"2026-11-28T15:10:00Z",
                "title":"Rollback started: chat-api in production","urgency":"low",
                "service":{"id":"PF9KMXH","summary":"API Service"}}}}
            """;

    static final String ACKNOWLEDGED = """
            {"event":{"id":"01DEN4HPBQAAAG05V5QQYBRZMH","event_type":"incident.acknowledged","resource_type":"incident",
              "occurred_at":"2026-11-28T15:12:00Z","data":{"id":"PGR0VU2","status":"acknowledged"}}}
            """;

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String sign(String secret, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "v1=" + HexFormat.of().formatHex(mac.doFinal(body));
    }

    @Test
    void knownSignatureOfAKnownBody() {
        // HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog"): the widely published example value
        byte[] body = bytes("The quick brown fox jumps over the lazy dog");
        String header = "v1=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8";

        assertThat(PagerDutyWebhook.verify(List.of("key"), header, body)).isTrue();
        assertThat(PagerDutyWebhook.verify(List.of("kez"), header, body)).isFalse();
    }

    @Test
    void signatureMadeWithTheSecretIsAccepted() throws Exception {
        byte[] body = bytes(TRIGGERED);

        assertThat(PagerDutyWebhook.verify(List.of(SECRET), sign(SECRET, body), body)).isTrue();
    }

    @Test
    void duringRotationAnySignatureWithAnySecretIsAccepted() throws Exception {
        byte[] body = bytes(TRIGGERED);
        String both = sign(OLD_SECRET, body) + ", " + sign(SECRET, body);

        assertThat(PagerDutyWebhook.verify(List.of(SECRET), both, body)).isTrue();
        assertThat(PagerDutyWebhook.verify(List.of(OLD_SECRET), both, body)).isTrue();
        assertThat(PagerDutyWebhook.verify(List.of(OLD_SECRET, SECRET), sign(SECRET, body), body)).isTrue();
        assertThat(PagerDutyWebhook.verify(List.of("", SECRET), sign(SECRET, body), body)).isTrue();
        assertThat(PagerDutyWebhook.verify(List.of("another"), both, body)).isFalse();
    }

    @Test
    void tamperedBodyIsRejected() throws Exception {
        byte[] body = bytes(TRIGGERED);
        String header = sign(SECRET, body);

        assertThat(PagerDutyWebhook.verify(List.of(SECRET), header, bytes(TRIGGERED.replace("high", "low")))).isFalse();
    }

    @Test
    void wrongSecretIsRejected() throws Exception {
        byte[] body = bytes(TRIGGERED);

        assertThat(PagerDutyWebhook.verify(List.of(SECRET), sign("not-the-secret", body), body)).isFalse();
    }

    @Test
    void missingOrMalformedHeaderIsRejected() throws Exception {
        byte[] body = bytes(TRIGGERED);
        String good = sign(SECRET, body);
        String hex = good.substring(3);

        assertThat(PagerDutyWebhook.verify(List.of(SECRET), null, body)).isFalse();
        assertThat(PagerDutyWebhook.verify(List.of(SECRET), "", body)).isFalse();
        assertThat(PagerDutyWebhook.verify(List.of(SECRET), hex, body)).isFalse();
        assertThat(PagerDutyWebhook.verify(List.of(SECRET), "v2=" + hex, body)).isFalse();
        assertThat(PagerDutyWebhook.verify(List.of(SECRET), "v1=" + hex.substring(2), body)).isFalse();
        assertThat(PagerDutyWebhook.verify(List.of(SECRET), "v1=" + "zz" + hex.substring(2), body)).isFalse();
        assertThat(PagerDutyWebhook.verify(List.of(SECRET), "v1=", body)).isFalse();
        assertThat(PagerDutyWebhook.verify(List.of(SECRET), ",,,", body)).isFalse();
        assertThat(PagerDutyWebhook.verify(List.of(), good, body)).isFalse();
        assertThat(PagerDutyWebhook.verify(null, good, body)).isFalse();
        assertThat(PagerDutyWebhook.verify(List.of(SECRET), good, null)).isFalse();
        assertThat(PagerDutyWebhook.verify(List.of(SECRET), "v2=abc, " + good.toUpperCase().replace("V1=", "v1="), body))
                .isTrue();
    }

    @Test
    void triggeredOpensAnIncidentForAllServices() {
        var parsed = PagerDutyWebhook.parse(bytes(TRIGGERED));

        assertThat(parsed).contains(new PagerDutyWebhook.Parsed("01DEN4HPBQAAAG05V5QQYBRZMF", "opened",
                new IncidentEventData("pagerduty-PGR0VU2", "Payments API error rate above 5%", "high", List.of(),
                        "pagerduty", Instant.parse("2026-11-28T15:10:00.123Z"), null),
                "d3640fbd41094207a1c11e58e46b1662"));
    }

    @Test
    void reopenedOpensAgain() {
        var parsed = PagerDutyWebhook.parse(bytes(TRIGGERED.replace("incident.triggered", "incident.reopened")));

        assertThat(parsed).hasValueSatisfying(p -> {
            assertThat(p.kind()).isEqualTo("opened");
            assertThat(p.data().id()).isEqualTo("pagerduty-PGR0VU2");
        });
    }

    @Test
    void resolvedResolvesIt() {
        var parsed = PagerDutyWebhook.parse(bytes(RESOLVED));

        assertThat(parsed).contains(new PagerDutyWebhook.Parsed("01DEN4HPBQAAAG05V5QQYBRZMG", "resolved",
                new IncidentEventData("pagerduty-PGR0VU2", "Rollback started: chat-api in production", "low", List.of(),
                        "pagerduty", Instant.parse("2026-11-28T15:10:00Z"), Instant.parse("2026-11-28T15:42:30Z")),
                "avalo/chat-api/production/dep-42"));
    }

    @Test
    void otherEventTypesAreIgnored() {
        assertThat(PagerDutyWebhook.parse(bytes(ACKNOWLEDGED))).isEmpty();
        assertThat(PagerDutyWebhook.parse(
                bytes("""
                        {"event":{"id":"01","event_type":"pagey.ping","resource_type":"pagey","occurred_at":"2026-11-28T15:00:00Z","data":{"message":"Hello from your friend Pagey!","type":"ping"}}}
                        """)))
                .isEmpty();
    }

    @Test
    void garbageIsRejected() {
        assertThatThrownBy(() -> PagerDutyWebhook.parse(bytes("not json at all")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("not a PagerDuty webhook event: the body is not JSON");
        assertThatThrownBy(() -> PagerDutyWebhook.parse(bytes("[1,2]")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a PagerDuty webhook event: the body is not a JSON object");
        assertThatThrownBy(() -> PagerDutyWebhook.parse(bytes("{\"messages\":[]}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("not a PagerDuty webhook event: no 'event' object");
        assertThatThrownBy(() -> PagerDutyWebhook.parse(bytes("{\"event\":{\"id\":\"1\",\"data\":{}}}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a PagerDuty webhook event: no 'event.event_type'");
        assertThatThrownBy(() -> PagerDutyWebhook.parse(bytes("{\"event\":{\"event_type\":\"incident.triggered\"}}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("PagerDuty incident.triggered event without 'event.data.id'");
        assertThatThrownBy(() -> PagerDutyWebhook.parse(bytes(TRIGGERED.replace("2026-11-28T15:10:00.123Z", "yesterday"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("PagerDuty webhook event with an unreadable 'occurred_at': yesterday");
        assertThatThrownBy(() -> PagerDutyWebhook.parse(new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PagerDutyWebhook.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
