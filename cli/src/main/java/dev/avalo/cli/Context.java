package dev.avalo.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a run of the CLI sees of the world: the environment variables, the working directory (where the local key pair is looked
 * for), the output streams and whether stdout is a terminal. Tests pass their own.
 */
public record Context(Map<String, String> env, Path cwd, PrintWriter out, PrintWriter err, boolean tty) {

    /** The value of environment variable {@code name}, or null when unset or blank. */
    public String env(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value;
    }
}
