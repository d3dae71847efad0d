package dev.avalo.contracts.route;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A router's refusal of a desired route, on core NATS subject {@code avalo.evt.router.rejected}: the value under KV key
 * {@code key} was not valid JSON, or not a valid route for this router, so the previous route stays in force.
 * {@code generation} is null when the value could not be read at all; {@code problems} says what is wrong, one sentence each.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RouteRejected(String routerId, String key, Long generation, List<String> problems, Instant at) {

    public RouteRejected {
        problems = problems == null ? List.of() : List.copyOf(problems);
    }
}
