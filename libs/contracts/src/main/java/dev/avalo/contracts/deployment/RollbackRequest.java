package dev.avalo.contracts.deployment;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Body of {@code POST /api/v1/deployments/{id}/rollback}: {@code mode} is {@code immediate}, {@code previous-stage} or
 * {@code revision} (then {@code revision} names an earlier revision); {@code force} is needed, from an approver, when the
 * deployment carried a contract migration.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RollbackRequest(String mode, String revision, String reason, Boolean force) {
}
