package dev.avalo.contracts.deployment;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Body of {@code POST /api/v1/services}: a service in an environment with its stable revision. */
@RegisterForReflection
public record RegisterServiceRequest(String name, String environment, String revision, List<String> upstreams) {
}
