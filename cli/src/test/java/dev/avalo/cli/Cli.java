package dev.avalo.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.avalo.contracts.Json;

/** Runs the CLI in this JVM with its own environment and working directory, capturing stdout, stderr and the exit code. */
final class Cli {

    private final Map<String, String> env;
    private final Path cwd;

    Cli(Map<String, String> env, Path cwd) {
        this.env = Map.copyOf(env);
        this.cwd = cwd;
    }

    /** The outcome of one run. */
    record Result(int code, String out, String err) {

        JsonNode json() {
            return Json.decode(out.getBytes(java.nio.charset.StandardCharsets.UTF_8), JsonNode.class);
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Avalo.run(new Context(env, cwd, new PrintWriter(out), new PrintWriter(err), false), args);
        Result result = new Result(code, out.toString(), err.toString());
        transcript(args, result);
        return result;
    }

    /** Appends the run to {@code target/cli-transcript.txt}, for reading what users would see. */
    private static synchronized void transcript(String[] args, Result result) {
        try {
            java.nio.file.Files.writeString(Path.of("target", "cli-transcript.txt"), "$ avalo " + String.join(" ", args)
                    + "\n" + result + "\n", java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            // only a convenience
        }
    }

    /** A copy with more environment variables. */
    Cli with(String key, String value) {
        Map<String, String> more = new HashMap<>(env);
        more.put(key, value);
        return new Cli(more, cwd);
    }
}
