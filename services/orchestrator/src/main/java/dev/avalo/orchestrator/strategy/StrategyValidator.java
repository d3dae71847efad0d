package dev.avalo.orchestrator.strategy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.avalo.contracts.DnsLabel;
import dev.avalo.orchestrator.deployment.ValidationException;

/** Checks a strategy an admin saves: weights strictly increasing 1–10000 bp ending at 10000, durations ≥ 0, known gates. */
public final class StrategyValidator {

    private StrategyValidator() {
    }

    public static void validate(Strategy s) {
        List<ValidationException.FieldError> errors = new ArrayList<>();
        if (!DnsLabel.isValid(s.environment())) {
            errors.add(new ValidationException.FieldError("environment", "must be a DNS label"));
        }
        if (s.stages().isEmpty()) {
            errors.add(new ValidationException.FieldError("stages", "at least one stage is required"));
        }
        int previous = 0;
        Set<String> names = new HashSet<>();
        for (int i = 0; i < s.stages().size(); i++) {
            Stage stage = s.stages().get(i);
            String at = "stages[" + i + "]";
            if (stage == null) {
                errors.add(new ValidationException.FieldError(at, "must not be null"));
                continue;
            }
            if (!DnsLabel.isValid(stage.name())) {
                errors.add(new ValidationException.FieldError(at + ".name", "must be a DNS label"));
            } else if (!names.add(stage.name())) {
                errors.add(new ValidationException.FieldError(at + ".name", "duplicate stage name " + stage.name()));
            }
            int w = stage.weightBasisPoints();
            if (w < 1 || w > 10000) {
                errors.add(new ValidationException.FieldError(at + ".weightBasisPoints", "must be 1–10000, got " + w));
            } else if (w <= previous) {
                errors.add(new ValidationException.FieldError(at + ".weightBasisPoints",
                        "must be greater than the previous stage's " + previous + ", got " + w));
            }
            previous = Math.max(previous, w);
            if (stage.minDurationSeconds() < 0) {
                errors.add(new ValidationException.FieldError(at + ".minDurationSeconds", "must be ≥ 0"));
            }
            for (String gate : stage.gates()) {
                if (!Gates.isKnown(gate)) {
                    errors.add(new ValidationException.FieldError(at + ".gates",
                            "unknown gate '" + gate + "'; known: "
                                    + String.join(", ", Gates.names().stream().sorted().toList())));
                }
            }
        }
        if (!s.stages().isEmpty() && s.stages().get(s.stages().size() - 1) != null
                && s.stages().get(s.stages().size() - 1).weightBasisPoints() != 10000) {
            errors.add(new ValidationException.FieldError("stages[" + (s.stages().size() - 1) + "].weightBasisPoints",
                    "the last stage must be 10000 (100 %)"));
        }
        if (s.bakeSeconds() < 0) {
            errors.add(new ValidationException.FieldError("bakeSeconds", "must be ≥ 0"));
        }
        if (s.blueRetentionSeconds() < 0) {
            errors.add(new ValidationException.FieldError("blueRetentionSeconds", "must be ≥ 0"));
        }
        if (!errors.isEmpty()) {
            throw new ValidationException("invalid strategy", errors);
        }
    }
}
