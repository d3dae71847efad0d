package dev.avalo.contracts.schedule;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A freeze in force: {@code kind} is {@code holiday}, {@code business-event}, {@code ad-hoc} or {@code incident}. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ActiveFreeze(String id, String name, String kind, Instant startsAt, Instant endsAt) {
}
