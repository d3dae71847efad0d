package dev.avalo.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.BiFunction;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** The subjects and KV keys of DESIGN.md §4, and refusal of every token that is not a DNS label. */
class SubjectsTest {

    private static final String LABEL_63 = "a" + "b".repeat(61) + "c";
    private static final String LABEL_64 = "a" + "b".repeat(62) + "c";

    private final Subjects subjects = Subjects.defaults();
    private final Subjects custom = Subjects.withPrefix("t42.avalo");

    @Test
    void defaultPrefixIsAvalo() {
        assertThat(Subjects.DEFAULT_PREFIX).isEqualTo("avalo");
        assertThat(subjects.prefix()).isEqualTo("avalo");
        assertThat(custom.prefix()).isEqualTo("t42.avalo");
    }

    @Test
    void commandSubjects() {
        assertThat(subjects.deployCommand("start")).isEqualTo("avalo.cmd.deploy.start");
        assertThat(subjects.deployCommand("promote")).isEqualTo("avalo.cmd.deploy.promote");
        assertThat(subjects.deployCommand("approve")).isEqualTo("avalo.cmd.deploy.approve");
        assertThat(subjects.deployCommand("pause")).isEqualTo("avalo.cmd.deploy.pause");
        assertThat(subjects.deployCommand("resume")).isEqualTo("avalo.cmd.deploy.resume");
        assertThat(subjects.deployCommand("rollback")).isEqualTo("avalo.cmd.deploy.rollback");
        assertThat(subjects.deployCommand("abort")).isEqualTo("avalo.cmd.deploy.abort");
        assertThat(subjects.deployCommands()).isEqualTo("avalo.cmd.deploy.*");
        assertThat(subjects.emergencyStop()).isEqualTo("avalo.cmd.emergency-stop");
        assertThat(subjects.scheduleCheck()).isEqualTo("avalo.cmd.schedule.check");
    }

    @Test
    void deployActionsAreExactlyTheDesignOnes() {
        assertThat(Subjects.DEPLOY_ACTIONS).containsExactlyInAnyOrder("start", "promote", "approve", "pause", "resume",
                "rollback", "abort");
    }

    @Test
    void eventSubjects() {
        assertThat(subjects.deploymentEvent("chat-api", "production"))
                .isEqualTo("avalo.evt.deployment.chat-api.production");
        assertThat(subjects.deploymentEvents()).isEqualTo("avalo.evt.deployment.>");
        assertThat(subjects.health("chat-api", "production")).isEqualTo("avalo.evt.health.chat-api.production");
        assertThat(subjects.healthAll()).isEqualTo("avalo.evt.health.*.*");
        assertThat(subjects.scheduleEvent("freeze.started")).isEqualTo("avalo.evt.schedule.freeze.started");
        assertThat(subjects.scheduleEvent("freeze.ended")).isEqualTo("avalo.evt.schedule.freeze.ended");
        assertThat(subjects.scheduleEvents()).isEqualTo("avalo.evt.schedule.>");
        assertThat(subjects.incidentEvent("opened")).isEqualTo("avalo.evt.incident.opened");
        assertThat(subjects.incidentEvent("resolved")).isEqualTo("avalo.evt.incident.resolved");
        assertThat(subjects.incidentEvents()).isEqualTo("avalo.evt.incident.>");
        assertThat(subjects.routerApplied("chat-api", "production"))
                .isEqualTo("avalo.evt.router.applied.chat-api.production");
        assertThat(subjects.routerAppliedAll()).isEqualTo("avalo.evt.router.applied.*.*");
    }

    @Test
    void metricsSubjects() {
        assertThat(subjects.metrics("chat-api", "production")).isEqualTo("avalo.metrics.chat-api.production");
        assertThat(subjects.customMetrics("chat-api", "production"))
                .isEqualTo("avalo.metrics.custom.chat-api.production");
    }

    @Test
    void routeKvKey() {
        assertThat(Subjects.routeKey("chat-api", "production")).isEqualTo("chat-api.production");
    }

    @Test
    void eventStreamHoldsDeploymentScheduleAndIncidentEvents() {
        assertThat(subjects.eventStreamSubjects()).containsExactlyInAnyOrder("avalo.evt.deployment.>",
                "avalo.evt.schedule.>", "avalo.evt.incident.>");
        // health and router acks stay core NATS
        assertThat(subjects.eventStreamSubjects()).noneMatch(s -> s.startsWith("avalo.evt.health")
                || s.startsWith("avalo.evt.router"));
    }

    @Test
    void customPrefixReplacesAvalo() {
        assertThat(custom.deployCommand("start")).isEqualTo("t42.avalo.cmd.deploy.start");
        assertThat(custom.deployCommands()).isEqualTo("t42.avalo.cmd.deploy.*");
        assertThat(custom.emergencyStop()).isEqualTo("t42.avalo.cmd.emergency-stop");
        assertThat(custom.scheduleCheck()).isEqualTo("t42.avalo.cmd.schedule.check");
        assertThat(custom.deploymentEvent("chat-api", "production"))
                .isEqualTo("t42.avalo.evt.deployment.chat-api.production");
        assertThat(custom.deploymentEvents()).isEqualTo("t42.avalo.evt.deployment.>");
        assertThat(custom.health("chat-api", "production")).isEqualTo("t42.avalo.evt.health.chat-api.production");
        assertThat(custom.healthAll()).isEqualTo("t42.avalo.evt.health.*.*");
        assertThat(custom.scheduleEvent("freeze.started")).isEqualTo("t42.avalo.evt.schedule.freeze.started");
        assertThat(custom.scheduleEvents()).isEqualTo("t42.avalo.evt.schedule.>");
        assertThat(custom.incidentEvent("opened")).isEqualTo("t42.avalo.evt.incident.opened");
        assertThat(custom.incidentEvents()).isEqualTo("t42.avalo.evt.incident.>");
        assertThat(custom.routerApplied("chat-api", "production"))
                .isEqualTo("t42.avalo.evt.router.applied.chat-api.production");
        assertThat(custom.routerAppliedAll()).isEqualTo("t42.avalo.evt.router.applied.*.*");
        assertThat(custom.metrics("chat-api", "production")).isEqualTo("t42.avalo.metrics.chat-api.production");
        assertThat(custom.customMetrics("chat-api", "production"))
                .isEqualTo("t42.avalo.metrics.custom.chat-api.production");
        assertThat(custom.eventStreamSubjects()).containsExactlyInAnyOrder("t42.avalo.evt.deployment.>",
                "t42.avalo.evt.schedule.>", "t42.avalo.evt.incident.>");
    }

    /** Every builder that takes a service and an environment. */
    static Stream<Arguments> builders() {
        Subjects s = Subjects.defaults();
        return Stream.of(
                Arguments.of("deploymentEvent", (BiFunction<String, String, String>) s::deploymentEvent),
                Arguments.of("health", (BiFunction<String, String, String>) s::health),
                Arguments.of("routerApplied", (BiFunction<String, String, String>) s::routerApplied),
                Arguments.of("metrics", (BiFunction<String, String, String>) s::metrics),
                Arguments.of("customMetrics", (BiFunction<String, String, String>) s::customMetrics),
                Arguments.of("routeKey", (BiFunction<String, String, String>) Subjects::routeKey));
    }

    static Stream<Arguments> badTokensByBuilder() {
        String[] bad = {"Chat-API", "chat.api", "chat*", ">", "-chat", "chat-", "", null, LABEL_64, "chat_api",
                "chat api", " chat", "chat ", " "};
        return builders().flatMap(b -> Stream.of(bad).map(token -> Arguments.of(b.get()[0], b.get()[1], token)));
    }

    @ParameterizedTest(name = "{0} refuses service [{2}]")
    @MethodSource("badTokensByBuilder")
    void refusesNonDnsLabelService(String builder, BiFunction<String, String, String> build, String token) {
        assertThatThrownBy(() -> build.apply(token, "production"))
                .isInstanceOfSatisfying(DnsLabel.InvalidNameException.class,
                        e -> assertThat(e.field()).isEqualTo("service"))
                .hasMessageContaining("service must be a DNS label");
    }

    @ParameterizedTest(name = "{0} refuses environment [{2}]")
    @MethodSource("badTokensByBuilder")
    void refusesNonDnsLabelEnvironment(String builder, BiFunction<String, String, String> build, String token) {
        assertThatThrownBy(() -> build.apply("chat-api", token))
                .isInstanceOfSatisfying(DnsLabel.InvalidNameException.class,
                        e -> assertThat(e.field()).isEqualTo("environment"))
                .hasMessageContaining("environment must be a DNS label");
    }

    @Test
    void invalidNameIsAnIllegalArgumentAndQuotesTheValue() {
        assertThatThrownBy(() -> subjects.health("chat*", "production"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'chat*'");
        assertThatThrownBy(() -> subjects.health(null, "production"))
                .hasMessageContaining("got nothing");
    }

    @ParameterizedTest(name = "{0} accepts a 63-character label")
    @MethodSource("builders")
    void acceptsA63CharacterLabel(String builder, BiFunction<String, String, String> build) {
        assertThat(LABEL_63).hasSize(63);
        assertThat(build.apply(LABEL_63, LABEL_63)).endsWith(LABEL_63 + "." + LABEL_63);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "7", "chat-api", "payments-v2", "a-b-c", "0prod9", "dev--1"})
    void acceptsDnsLabels(String label) {
        assertThat(DnsLabel.isValid(label)).isTrue();
        assertThat(DnsLabel.require("service", label)).isEqualTo(label);
        assertThat(Subjects.routeKey(label, "production")).isEqualTo(label + ".production");
    }

    @ParameterizedTest
    @ValueSource(strings = {"deploy", "START", "stop", "emergency-stop", "*", ">", ""})
    void refusesUnknownDeployAction(String action) {
        assertThatThrownBy(() -> subjects.deployCommand(action))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown deploy action");
    }

    @Test
    void refusesNullDeployAction() {
        // List.contains(null) on an immutable list throws NullPointerException before the clear message is built
        assertThatThrownBy(() -> subjects.deployCommand(null)).isInstanceOf(RuntimeException.class);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "avalo.", ".avalo", "a..b", "avalo.*", "avalo.>", "ava lo", "avalo\t"})
    void refusesBadPrefix(String prefix) {
        assertThatThrownBy(() -> Subjects.withPrefix(prefix))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("subject prefix");
    }

    @ParameterizedTest
    @ValueSource(strings = {"avalo", "t42.avalo", "test_1-x", "A.b.C"})
    void acceptsGoodPrefix(String prefix) {
        assertThatCode(() -> Subjects.withPrefix(prefix)).doesNotThrowAnyException();
    }
}
