package dev.avalo.scheduler.check;

import java.time.Instant;
import java.util.List;

import dev.avalo.contracts.schedule.ScheduleVerdict;
import dev.avalo.scheduler.freeze.Freeze;

/**
 * The verdict for one instant before any emergency: {@code reasons} explains it (every blocking reason when blocked),
 * {@code freezes} are the freezes in force, {@code nextAllowedAt} the first instant at or after it that is not blocked (null
 * when an open-ended freeze, an unresolved incident, blocks until further notice).
 */
public record Evaluation(ScheduleVerdict verdict, List<String> reasons, List<Freeze> freezes, Instant nextAllowedAt) {

    public Evaluation {
        reasons = List.copyOf(reasons);
        freezes = List.copyOf(freezes);
    }

    public boolean blocked() {
        return verdict == ScheduleVerdict.BLOCKED;
    }
}
