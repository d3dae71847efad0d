package dev.avalo.cli;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code avalo deploy watch}: polls the deployment (which embeds the last health report; without one, the health-scorer's
 * latest report for the revision) and shows a progress bar of the canary weight with stage, state, score and verdict.
 */
@Command(name = "watch", description = {"Follow a deployment live: a bar of the canary weight, the stage, the state, the "
        + "health score and verdict, until it finishes (or reaches an --until state).",
        "Exit 0 when it SUCCEEDED or reached an --until state, 1 when it ended otherwise, 5 on --timeout."})
class WatchCommand extends Base {

    @Mixin
    Target target;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "1", description = "Seconds between polls (default 1, at least 0.1).")
    double interval;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "0", description = "Give up after this many seconds (exit 5); 0 waits for ever (default).")
    long timeout;

    @Option(names = "--until", paramLabel = "STATE", split = ",", description = "Also stop (exit 0) when the deployment is in one of these states, e.g. AWAITING_APPROVAL,PAUSED.")
    List<String> until;

    @Override
    public Integer call() throws InterruptedException {
        if (interval < 0.1) {
            throw usage("--interval must be at least 0.1 seconds");
        }
        if (timeout < 0) {
            throw usage("--timeout must not be negative");
        }
        Set<String> stopAt = new LinkedHashSet<>();
        if (until != null) {
            for (String state : until) {
                String s = state.strip().toUpperCase(Locale.ROOT);
                if (!Target.LIVE.contains(s) && !Target.TERMINAL.contains(s)) {
                    throw usage("--until: unknown state '" + state + "'");
                }
                stopAt.add(s);
            }
        }
        Api api = orchestrator("viewer");
        String id = target.resolve(this, api);
        long deadline = timeout == 0 ? Long.MAX_VALUE : System.nanoTime() + timeout * 1_000_000_000L;
        int stages = -1;
        String last = null;
        boolean tty = ctx().tty() && !json();
        while (true) {
            JsonNode d = api.get("/deployments/" + Api.segment(id));
            if (stages < 0) {
                stages = stages(api, d);
            }
            JsonNode health = health(d);
            String state = Output.text(d, "state");
            String line = json() ? Output.compact(d) : Output.watchLine(d, health, stages);
            if (!line.equals(last)) {
                if (tty) {
                    out().print("\r" + line + "\u001b[K");
                } else {
                    out().println(line);
                }
                out().flush();
                last = line;
            }
            boolean reached = stopAt.contains(state);
            if (reached || Target.TERMINAL.contains(state)) {
                if (tty) {
                    out().println();
                }
                if (reached || "SUCCEEDED".equals(state)) {
                    note("watch: " + id + " is " + state);
                    return ExitCodes.OK;
                }
                note("watch: " + id + " ended " + state);
                return ExitCodes.FAILED;
            }
            if (System.nanoTime() >= deadline) {
                if (tty) {
                    out().println();
                }
                note("watch: " + id + " still " + state + " after " + timeout + " s");
                return ExitCodes.TIMEOUT;
            }
            Thread.sleep((long) (interval * 1000));
        }
    }

    /** How many stages the deployment's strategy has; 0 when unknown. */
    private int stages(Api api, JsonNode d) {
        String strategy = Output.text(d, "strategy");
        if (strategy == null) {
            strategy = Output.text(d, "environment");
        }
        try {
            return api.get("/strategies/" + Api.segment(strategy)).path("stages").size();
        } catch (CliException e) {
            return 0;
        }
    }

    /** The embedded report; else the health-scorer's latest report about the new revision, when it answers. */
    private JsonNode health(JsonNode d) {
        JsonNode embedded = d.get("health");
        if (embedded != null && !embedded.isNull()) {
            return embedded;
        }
        try {
            JsonNode report = healthScorer("viewer").get("/health/" + Api.segment(Output.text(d, "service")) + "/"
                    + Api.segment(Output.text(d, "environment")));
            String revision = Output.text(report, "revision");
            return revision == null || revision.equals(Output.text(d, "toRevision")) ? report : null;
        } catch (CliException e) {
            return null;
        }
    }
}
