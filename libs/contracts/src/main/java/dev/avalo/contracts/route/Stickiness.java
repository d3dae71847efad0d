package dev.avalo.contracts.route;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** How a router keeps a user on one side: {@code mode} is {@code header}, {@code cookie} or {@code none}. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Stickiness(String mode, String header, String cookie) {

    /** Sticky by the {@code X-User-Id} header, the default. */
    public static Stickiness defaultHeader() {
        return new Stickiness("header", "X-User-Id", null);
    }
}
