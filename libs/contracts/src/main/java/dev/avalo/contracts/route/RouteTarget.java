package dev.avalo.contracts.route;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** One side of a route: a revision and the upstream base URLs that serve it. */
@RegisterForReflection
public record RouteTarget(String revision, List<String> upstreams) {
}
