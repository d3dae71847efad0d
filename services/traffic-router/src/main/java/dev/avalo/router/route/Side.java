package dev.avalo.router.route;

import java.net.URI;
import java.util.List;

/** One side of a compiled route: a revision, its role ({@code stable} or {@code canary}) and its upstreams. */
public record Side(String revision, String role, List<URI> upstreams) {

    public static final String STABLE = "stable";
    public static final String CANARY = "canary";

    public Side {
        upstreams = List.copyOf(upstreams);
    }
}
