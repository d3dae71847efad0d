package dev.avalo.router.route;

import java.util.List;

/** A desired route the router refuses; the previous route for that key stays in force. */
public class InvalidRouteException extends RuntimeException {

    private final List<String> problems;

    public InvalidRouteException(String key, List<String> problems) {
        super("route " + key + " refused: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
