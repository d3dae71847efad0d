package dev.avalo.orchestrator.checklist;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.avalo.orchestrator.deployment.DeploymentRecord.ChecklistEntry;

class ChecklistTest {

    private static final Instant NOW = Instant.parse("2025-03-04T18:00:00Z");

    private static Map<String, String> allAttested() {
        Map<String, String> m = new LinkedHashMap<>();
        Checklist.PRE_ITEMS.keySet().forEach(id -> m.put(id, "https://ci.example/run/1#" + id));
        return m;
    }

    @Test
    void itemsFollowTheStrategyDocument() {
        assertThat(Checklist.PRE_ITEMS.values()).containsExactly("All tests passing (unit, integration, e2e)",
                "Security scan completed", "Database migrations tested", "Rollback plan documented",
                "Stakeholders notified", "On-call engineer assigned", "Blue version tagged and stable",
                "Monitoring dashboards prepared");
        assertThat(Checklist.DURING_ITEMS.values()).containsExactly("Monitor deployment logs",
                "Watch alerting channels", "Track health metrics", "Verify canary routing",
                "Check database performance", "Monitor user activity", "Review error logs",
                "Validate payment processing");
        assertThat(Checklist.POST_ITEMS.values()).containsExactly("Verify all services healthy",
                "Check metric baselines", "Review error logs", "Test critical user flows", "Monitor for 24 hours",
                "Update documentation", "Archive blue version", "Post-mortem if issues occurred");
    }

    @Test
    void itemIdsAreUniqueAcrossPhasesAndSystemItemsExist() {
        List<String> ids = Stream.of(Checklist.PRE_ITEMS, Checklist.DURING_ITEMS, Checklist.POST_ITEMS)
                .flatMap(m -> m.keySet().stream()).toList();
        assertThat(ids).hasSize(24).doesNotHaveDuplicates();
        assertThat(Checklist.DURING_ITEMS).containsKeys(Checklist.TRACK_HEALTH, Checklist.VERIFY_ROUTING);
        assertThat(Checklist.POST_ITEMS).containsKeys(Checklist.SERVICES_HEALTHY, Checklist.MONITOR_24H,
                Checklist.ARCHIVE_BLUE);
    }

    @Test
    void nothingMissingWhenEveryPreItemHasEvidence() {
        assertThat(Checklist.missing(allAttested())).isEmpty();
        assertThat(Checklist.unknown(allAttested())).isEmpty();
    }

    @Test
    void everyPreItemMissingWithoutAttestation() {
        assertThat(Checklist.missing(null)).containsExactlyElementsOf(Checklist.PRE_ITEMS.keySet());
        assertThat(Checklist.missing(Map.of())).containsExactlyElementsOf(Checklist.PRE_ITEMS.keySet());
    }

    static Stream<Arguments> gaps() {
        return Stream.of(Arguments.of("absent", null), Arguments.of("empty", ""), Arguments.of("blank", "   "),
                Arguments.of("tab and newline", "\t\n"));
    }

    @ParameterizedTest(name = "{0} evidence")
    @MethodSource("gaps")
    void missingNamesItemsWithAbsentOrBlankEvidence(String label, String evidence) {
        Map<String, String> attested = allAttested();
        if (evidence == null) {
            attested.remove("security-scan");
        } else {
            attested.put("security-scan", evidence);
        }
        attested.put("on-call-assigned", evidence == null ? "" : evidence);
        assertThat(Checklist.missing(attested)).containsExactly("security-scan", "on-call-assigned");
    }

    @Test
    void unknownListsAttestedIdsThatAreNotPreItemsSorted() {
        Map<String, String> attested = allAttested();
        attested.put("zebra", "x");
        attested.put("monitor-24h", "yes");
        attested.put("alpha", "x");
        assertThat(Checklist.unknown(attested)).containsExactly("alpha", "monitor-24h", "zebra");
        assertThat(Checklist.unknown(null)).isEmpty();
        assertThat(Checklist.missing(attested)).isEmpty();
    }

    @Test
    void initialRecordsAttestedPreItemsAndOpensTheRest() {
        Map<String, String> attested = allAttested();
        attested.put("rollback-plan", " ");
        Map<String, ChecklistEntry> items = Checklist.initial(attested, "dana", NOW);
        assertThat(items).hasSize(24);
        assertThat(List.copyOf(items.keySet()).subList(0, 8)).containsExactlyElementsOf(Checklist.PRE_ITEMS.keySet());
        assertThat(List.copyOf(items.keySet()).subList(8, 16))
                .containsExactlyElementsOf(Checklist.DURING_ITEMS.keySet());
        assertThat(List.copyOf(items.keySet()).subList(16, 24))
                .containsExactlyElementsOf(Checklist.POST_ITEMS.keySet());

        ChecklistEntry tests = items.get("tests-passing");
        assertThat(tests).isEqualTo(new ChecklistEntry(Checklist.PRE, "All tests passing (unit, integration, e2e)",
                true, "dana", "https://ci.example/run/1#tests-passing", NOW));
        ChecklistEntry plan = items.get("rollback-plan");
        assertThat(plan.done()).isFalse();
        assertThat(plan.by()).isNull();
        assertThat(plan.at()).isNull();
        assertThat(items.values()).filteredOn(e -> !e.phase().equals(Checklist.PRE)).allSatisfy(e -> {
            assertThat(e.done()).isFalse();
            assertThat(e.by()).isNull();
            assertThat(e.evidence()).isNull();
            assertThat(e.at()).isNull();
        });
        assertThat(items.get("monitor-deployment-logs").phase()).isEqualTo(Checklist.DURING);
        assertThat(items.get("post-mortem").phase()).isEqualTo(Checklist.POST);
    }

    @Test
    void initialWithoutAttestationHasEverythingOpen() {
        assertThat(Checklist.initial(null, "dana", NOW).values()).hasSize(24).noneMatch(ChecklistEntry::done);
    }

    @Test
    void tickMarksAnOpenItemWithoutTouchingTheOriginal() {
        Map<String, ChecklistEntry> items = Checklist.initial(allAttested(), "dana", NOW);
        Map<String, ChecklistEntry> before = new HashMap<>(items);
        Instant later = NOW.plusSeconds(60);
        Map<String, ChecklistEntry> ticked = Checklist.tick(items, Checklist.VERIFY_ROUTING, "system",
                "router-a acked generation 4", later);
        assertThat(ticked.get(Checklist.VERIFY_ROUTING)).isEqualTo(new ChecklistEntry(Checklist.DURING,
                "Verify canary routing", true, "system", "router-a acked generation 4", later));
        assertThat(items).isEqualTo(before);
        assertThat(ticked).hasSize(24);
        assertThat(List.copyOf(ticked.keySet())).containsExactlyElementsOf(items.keySet());
    }

    @Test
    void tickIsIdempotent() {
        Map<String, ChecklistEntry> items = Checklist.initial(allAttested(), "dana", NOW);
        Map<String, ChecklistEntry> once = Checklist.tick(items, Checklist.MONITOR_24H, "system", "baked", NOW);
        Map<String, ChecklistEntry> twice = Checklist.tick(once, Checklist.MONITOR_24H, "eve", "again",
                NOW.plusSeconds(5));
        assertThat(twice).isSameAs(once);
        assertThat(twice.get(Checklist.MONITOR_24H).by()).isEqualTo("system");
        assertThat(twice.get(Checklist.MONITOR_24H).at()).isEqualTo(NOW);
        // an attested pre item stays as attested
        assertThat(Checklist.tick(items, "tests-passing", "eve", "x", NOW.plusSeconds(5))).isSameAs(items);
    }

    @ParameterizedTest
    @ValueSource(strings = {"nope", "", "TESTS-PASSING"})
    void tickingAnUnknownItemChangesNothing(String id) {
        Map<String, ChecklistEntry> items = Checklist.initial(allAttested(), "dana", NOW);
        assertThat(Checklist.tick(items, id, "eve", "x", NOW)).isSameAs(items);
        assertThat(Checklist.isKnown(id)).isFalse();
    }

    @Test
    void isKnownCoversEveryPhase() {
        assertThat(Checklist.isKnown("tests-passing")).isTrue();
        assertThat(Checklist.isKnown("validate-payment-processing")).isTrue();
        assertThat(Checklist.isKnown("post-mortem")).isTrue();
        assertThat(Checklist.isKnown("review-error-logs")).isTrue();
        assertThat(Checklist.isKnown("review-error-logs-post")).isTrue();
    }
}
