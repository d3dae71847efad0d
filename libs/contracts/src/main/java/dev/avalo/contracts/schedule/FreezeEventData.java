package dev.avalo.contracts.schedule;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The {@code data} of {@code avalo.schedule.freeze.started} / {@code freeze.ended} CloudEvents on
 * {@code avalo.evt.schedule.<freeze.started|freeze.ended>}: the freeze and who declared it (null for calendar freezes).
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FreezeEventData(ActiveFreeze freeze, String reason, String declaredBy) {
}
