package dev.avalo.notifier.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.avalo.notifier.notification.Severity;

class RouterTest {

    static final Map<Severity, List<String>> STRATEGY = Map.of(
            Severity.INFO, List.of("slack:deployments", "log"),
            Severity.WARNING, List.of("slack:alerts", "log"),
            Severity.CRITICAL, List.of("slack:alerts", "pagerduty", "email", "log"));

    @Test
    void theStrategyDocumentsSeveritiesAreTheDefaults() {
        Router router = new Router(Map.of(), STRATEGY, Map.of(), List.of("slack:alerts", "log"));
        for (String info : List.of("created", "stage.passed", "succeeded")) {
            assertThat(router.severityOf(info)).as(info).contains(Severity.INFO);
        }
        for (String warning : List.of("paused", "approval.required", "freeze.started", "warning")) {
            assertThat(router.severityOf(warning)).as(warning).contains(Severity.WARNING);
        }
        for (String critical : List.of("rollback.started", "rolled-back", "failed", "emergency-stop")) {
            assertThat(router.severityOf(critical)).as(critical).contains(Severity.CRITICAL);
        }
        assertThat(router.severityOf("stage.entered")).isEmpty();
        assertThat(router.severityOf("something.new")).contains(Severity.INFO);
        assertThat(router.channelsFor(Severity.CRITICAL)).containsExactly("slack:alerts", "pagerduty", "email", "log");
        assertThat(router.channelsFor(Severity.INFO)).containsExactly("slack:deployments", "log");
    }

    @Test
    void overridesAndMinimumSeveritiesApply() {
        Router router = new Router(Map.of("stage.entered", "info", "paused", "critical", "created", "none"), STRATEGY,
                Map.of("log", Severity.WARNING, "email", Severity.CRITICAL), List.of("slack:alerts", "log"));
        assertThat(router.severityOf("stage.entered")).contains(Severity.INFO);
        assertThat(router.severityOf("paused")).contains(Severity.CRITICAL);
        assertThat(router.severityOf("created")).isEqualTo(Optional.empty());
        assertThat(router.channelsFor(Severity.INFO)).containsExactly("slack:deployments");
        assertThat(router.channelsFor(Severity.WARNING)).containsExactly("slack:alerts", "log");
        assertThat(router.channelsFor(Severity.CRITICAL)).containsExactly("slack:alerts", "pagerduty", "email", "log");
    }

    @Test
    void deadLettersNeverGoBackToTheChannelThatFailed() {
        Router router = new Router(Map.of(), STRATEGY, Map.of(), List.of("slack:alerts", "log"));
        assertThat(router.deadLetterChannels("slack:alerts")).containsExactly("log");
        assertThat(router.deadLetterChannels("pagerduty")).containsExactly("slack:alerts", "log");
        assertThat(router.mentionedChannels()).contains("slack:deployments", "slack:alerts", "pagerduty", "email", "log");
    }

    @Test
    void aBadSeverityIsRefusedWithTheChoices() {
        assertThatThrownBy(() -> new Router(Map.of("paused", "loud"), STRATEGY, Map.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loud")
                .hasMessageContaining("info, warning or critical");
    }
}
