package dev.avalo.orchestrator.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.avalo.orchestrator.deployment.ValidationException;
import dev.avalo.orchestrator.deployment.ValidationException.FieldError;

class StrategyValidatorTest {

    private static Stage stage(String name, int weight, long seconds, String... gates) {
        return new Stage(name, weight, seconds, ApprovalPolicy.NONE, List.of(gates));
    }

    private static Strategy plan(Stage... stages) {
        return new Strategy("qa", List.of(stages), 60, 60, false, false);
    }

    private static List<FieldError> errors(Strategy s) {
        ValidationException e = catchThrowableOfType(ValidationException.class, () -> StrategyValidator.validate(s));
        assertThat(e).as("expected %s to be refused", s).isNotNull();
        return e.errors();
    }

    @Test
    void aMinimalValidPlanPasses() {
        assertThatCode(() -> StrategyValidator.validate(plan(stage("all", 10000, 0)))).doesNotThrowAnyException();
        assertThatCode(() -> StrategyValidator.validate(plan(stage("tiny", 1, 0), stage("all", 10000, 0))))
                .doesNotThrowAnyException();
        assertThatCode(() -> StrategyValidator.validate(new Strategy("qa", List.of(stage("all", 10000, 0)), 0, 0,
                true, true))).doesNotThrowAnyException();
    }

    @Test
    void everyKnownGateIsAccepted() {
        Stage withAll = new Stage("all", 10000, 60, ApprovalPolicy.ALWAYS, List.copyOf(Gates.names()));
        assertThatCode(() -> StrategyValidator.validate(plan(withAll))).doesNotThrowAnyException();
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("weights decreasing", plan(stage("a", 1000, 0), stage("b", 100, 0), stage("c", 10000, 0)),
                        "stages[1].weightBasisPoints", "greater than the previous stage's 1000"),
                Arguments.of("weights equal", plan(stage("a", 1000, 0), stage("b", 1000, 0), stage("c", 10000, 0)),
                        "stages[1].weightBasisPoints", "greater"),
                Arguments.of("weight zero", plan(stage("a", 0, 0), stage("b", 10000, 0)),
                        "stages[0].weightBasisPoints", "1–10000"),
                Arguments.of("weight negative", plan(stage("a", -5, 0), stage("b", 10000, 0)),
                        "stages[0].weightBasisPoints", "got -5"),
                Arguments.of("weight above 100 %", plan(stage("a", 100, 0), stage("b", 10001, 0)),
                        "stages[1].weightBasisPoints", "1–10000"),
                Arguments.of("last stage below 100 %", plan(stage("a", 100, 0), stage("b", 5000, 0)),
                        "stages[1].weightBasisPoints", "10000"),
                Arguments.of("single stage below 100 %", plan(stage("a", 9999, 0)),
                        "stages[0].weightBasisPoints", "10000"),
                Arguments.of("negative duration", plan(stage("a", 100, -1), stage("b", 10000, 0)),
                        "stages[0].minDurationSeconds", "≥ 0"),
                Arguments.of("unknown gate", plan(stage("a", 100, 0, "error-rate", "vibes"), stage("b", 10000, 0)),
                        "stages[0].gates", "vibes"),
                Arguments.of("unknown gate in a later stage", plan(stage("a", 100, 0), stage("b", 10000, 0, "p95")),
                        "stages[1].gates", "p95"),
                Arguments.of("no stages", plan(), "stages", "at least one"),
                Arguments.of("null stages", new Strategy("qa", null, 0, 0, false, false), "stages", "at least one"),
                Arguments.of("negative bake", new Strategy("qa", List.of(stage("a", 10000, 0)), -1, 0, false, false),
                        "bakeSeconds", "≥ 0"),
                Arguments.of("negative retention",
                        new Strategy("qa", List.of(stage("a", 10000, 0)), 0, -1, false, false), "blueRetentionSeconds",
                        "≥ 0"),
                Arguments.of("environment not a DNS label",
                        new Strategy("Prod_EU", List.of(stage("a", 10000, 0)), 0, 0, false, false), "environment",
                        "DNS label"),
                Arguments.of("null environment", new Strategy(null, List.of(stage("a", 10000, 0)), 0, 0, false, false),
                        "environment", "DNS label"),
                Arguments.of("stage name not a DNS label", plan(stage("Canary 1", 100, 0), stage("b", 10000, 0)),
                        "stages[0].name", "DNS label"),
                Arguments.of("null stage name", plan(stage(null, 10000, 0)), "stages[0].name", "DNS label"),
                Arguments.of("duplicate stage name", plan(stage("a", 100, 0), stage("a", 10000, 0)), "stages[1].name",
                        "duplicate"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void refusesNamingTheField(String label, Strategy s, String field, String message) {
        List<FieldError> errors = errors(s);
        assertThat(errors).extracting(FieldError::field).contains(field);
        assertThat(errors).filteredOn(e -> e.field().equals(field)).extracting(FieldError::message)
                .anySatisfy(m -> assertThat(m).contains(message));
    }

    @Test
    void unknownGateMessageListsTheKnownGates() {
        List<FieldError> errors = errors(plan(stage("a", 10000, 0, "vibes")));
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("stages[0].gates");
            assertThat(e.message()).contains("'vibes'").contains("error-rate").contains("user-feedback");
        });
    }

    @Test
    void reportsEveryProblemAtOnce() {
        Strategy bad = new Strategy("qa", List.of(stage("a", 500, -1, "nope"), stage("b", 400, 0), stage("c", 600, 0)),
                -1, -1, false, false);
        List<FieldError> errors = errors(bad);
        assertThat(errors).extracting(FieldError::field).containsExactlyInAnyOrder("stages[0].minDurationSeconds",
                "stages[0].gates", "stages[1].weightBasisPoints", "stages[2].weightBasisPoints", "bakeSeconds",
                "blueRetentionSeconds");
        assertThat(errors).filteredOn(e -> e.field().equals("stages[2].weightBasisPoints")).singleElement()
                .satisfies(e -> assertThat(e.message()).contains("10000"));
        ValidationException e = catchThrowableOfType(ValidationException.class, () -> StrategyValidator.validate(bad));
        assertThat(e.getMessage()).contains("invalid strategy").contains("bakeSeconds");
    }

    @Test
    void aLowerWeightAfterAnInvalidOneIsStillComparedWithTheLastValidOnes() {
        List<FieldError> errors = errors(plan(stage("a", 2000, 0), stage("b", 0, 0), stage("c", 1000, 0),
                stage("d", 10000, 0)));
        assertThat(errors).extracting(FieldError::field).containsExactly("stages[1].weightBasisPoints",
                "stages[2].weightBasisPoints");
    }

    @Test
    void validatesAllDefaults() {
        for (Strategy s : DefaultStrategies.all()) {
            assertThatCode(() -> StrategyValidator.validate(s)).as(s.environment()).doesNotThrowAnyException();
            assertThatCode(() -> StrategyValidator.validate(s.scaled(60))).doesNotThrowAnyException();
        }
    }

    @Test
    void gatesAreInheritedInOrderWithoutDuplicates() {
        Strategy s = plan(stage("a", 100, 0, "error-rate", "latency-p95"), stage("b", 1000, 0, "revenue",
                "error-rate"), stage("c", 10000, 0));
        assertThat(s.gatesAt(0)).containsExactly("error-rate", "latency-p95");
        assertThat(s.gatesAt(1)).containsExactly("error-rate", "latency-p95", "revenue");
        // at 100 % a gate that compares with the stable (revenue) no longer applies: the stable serves nothing there
        assertThat(s.gatesAt(2)).containsExactly("error-rate", "latency-p95");
        assertThat(s.isLast(2)).isTrue();
        assertThat(s.isLast(1)).isFalse();
    }

    @Test
    void stageAndStrategyCopyTheirLists() {
        List<String> gates = new ArrayList<>(List.of("error-rate"));
        Stage st = new Stage("a", 10000, 0, null, gates);
        gates.add("revenue");
        assertThat(st.gates()).containsExactly("error-rate");
        assertThat(st.approval()).isEqualTo(ApprovalPolicy.NONE);
        assertThat(new Stage("a", 10000, 0, null, null).gates()).isEmpty();
        List<Stage> stages = new ArrayList<>(List.of(st));
        Strategy s = plan(st);
        stages.clear();
        assertThat(s.stages()).hasSize(1);
    }
}
