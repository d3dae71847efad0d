package dev.avalo.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** What every command shares: the root's options, the APIs with a token for a role, output. */
abstract class Base implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    Avalo root() {
        return (Avalo) spec.root().userObject();
    }

    Context ctx() {
        return root().ctx;
    }

    boolean json() {
        return root().json;
    }

    PrintWriter out() {
        return ctx().out();
    }

    PrintWriter err() {
        return ctx().err();
    }

    /** The orchestrator with a token for {@code role}. */
    Api orchestrator(String role) {
        return new Api(root().orchestratorUrl(), tokenFor(role));
    }

    Api scheduler(String role) {
        return new Api(root().schedulerUrl(), tokenFor(role));
    }

    Api healthScorer(String role) {
        return new Api(root().healthUrl(), tokenFor(role));
    }

    /** The token for {@code role}, resolved once, on first use. */
    private java.util.function.Supplier<String> tokenFor(String role) {
        String[] memo = new String[1];
        return () -> {
            if (memo[0] == null) {
                memo[0] = root().token(role);
            }
            return memo[0];
        };
    }

    /** A usage error (exit 2) with {@code message}. */
    ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** Prints {@code node} as JSON in JSON mode, else {@code text}. */
    void print(JsonNode node, String text) {
        if (json()) {
            out().println(Output.pretty(node));
        } else {
            out().print(text.endsWith("\n") ? text : text + "\n");
        }
        out().flush();
    }

    /** A note for people on stderr (kept out of stdout so that --json stays parseable). */
    void note(String line) {
        err().println(line);
        err().flush();
    }
}
