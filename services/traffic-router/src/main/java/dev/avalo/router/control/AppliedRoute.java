package dev.avalo.router.control;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

import io.quarkus.runtime.annotations.RegisterForReflection;

import dev.avalo.contracts.route.DesiredRoute;

/** A route in force: the desired route as it came from KV (or the state file) and when this router put it in force. */
@RegisterForReflection
public record AppliedRoute(@JsonUnwrapped DesiredRoute route, Instant appliedAt) {

    /** {@code <service>.<env>}, the route's KV key. */
    public String key() {
        return route.service() + "." + route.environment();
    }
}
