package dev.avalo.contracts.schedule;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Reply to a schedule check. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScheduleCheckReply(
        boolean allowed,
        ScheduleVerdict verdict,
        List<String> reasons,
        List<ActiveFreeze> activeFreezes,
        Instant nextAllowedAt) {

    public ScheduleCheckReply {
        reasons = reasons == null ? List.of() : List.copyOf(reasons);
        activeFreezes = activeFreezes == null ? List.of() : List.copyOf(activeFreezes);
    }
}
