package dev.avalo.contracts.deployment;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Optional body of promote, approve, pause, resume and abort; {@code force} (approver) for a rollback-unsafe abort. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ActionRequest(String reason, Boolean force) {
}
