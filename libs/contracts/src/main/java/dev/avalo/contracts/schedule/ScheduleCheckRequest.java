package dev.avalo.contracts.schedule;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Request on {@code avalo.cmd.schedule.check}; {@code at} defaults to now, {@code emergency} is optional. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScheduleCheckRequest(String service, String environment, Instant at, Emergency emergency) {
}
