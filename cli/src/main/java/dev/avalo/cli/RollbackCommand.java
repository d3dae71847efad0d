package dev.avalo.cli;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.avalo.contracts.deployment.RollbackRequest;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code avalo deploy rollback}: the three modes of {@code scripts/rollback.sh}, then waits for the router's ack as the
 * orchestrator records it and prints the measured time.
 */
@Command(name = "rollback", description = {
        "Roll a deployment back and wait for the router's ack: --immediate (all traffic to stable now), --stage=previous "
                + "(back to the previous stage's weight, then paused) or --revision=REV (all traffic to an earlier revision).",
        "Done when the orchestrator reports ROLLED_BACK with a router's ack (--stage=previous: PAUSED at a lower stage, "
                + "and every --router-admin-url router serves it). Exit 1 when it ends otherwise or no router acked, "
                + "5 on --timeout."})
class RollbackCommand extends Base {

    @Mixin
    Target target;

    @Option(names = "--immediate", description = "All traffic back to the stable revision now.")
    boolean immediate;

    @Option(names = "--stage", paramLabel = "previous", description = "--stage=previous: back to the previous stage.")
    String stage;

    @Option(names = "--revision", paramLabel = "REV", description = "All traffic to the earlier revision REV.")
    String revision;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why (recorded; a default names you and the mode).")
    String reason;

    @Option(names = "--force", description = "Roll back a deployment with a contract migration (approver role).")
    boolean force;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30", description = "How long to wait for the ack (default 30).")
    long timeout;

    @Option(names = "--no-wait", description = "Return once the orchestrator accepted the rollback.")
    boolean noWait;

    @Option(names = "--router-admin-url", paramLabel = "URL", split = ",", description = "Routers' admin APIs to check for --stage=previous (env AVALO_ROUTER_ADMIN_URL, comma separated; "
            + "default none).")
    List<String> routers;

    @Override
    public Integer call() throws InterruptedException {
        int modes = (immediate ? 1 : 0) + (stage != null ? 1 : 0) + (revision != null ? 1 : 0);
        if (modes != 1) {
            throw usage("say how, once: --immediate, --stage=previous or --revision=REV");
        }
        if (stage != null && !stage.equals("previous")) {
            throw usage("only --stage=previous is supported, not --stage=" + stage);
        }
        if (revision != null && revision.isBlank()) {
            throw usage("--revision needs a revision");
        }
        if (timeout < 1) {
            throw usage("--timeout must be at least 1 second");
        }
        String mode = immediate ? "immediate" : stage != null ? "previous-stage" : "revision";
        List<String> routerUrls = routerUrls();
        Api api = orchestrator(force ? "approver" : "deployer");
        String id = target.resolve(this, api);
        JsonNode before = api.get("/deployments/" + Api.segment(id));
        int indexBefore = before.path("stage").path("index").asInt();
        String user = ctx().env("USER");
        String why = reason != null
                ? reason
                : "manual rollback (" + mode + ") by " + (user == null ? "operator" : user) + " with avalo";
        note("rollback: " + Output.text(before, "service") + "/" + Output.text(before, "environment") + " deployment " + id
                + ", mode " + mode + (revision != null ? " to " + revision : ""));
        long start = System.nanoTime();
        JsonNode accepted = api.post("/deployments/" + Api.segment(id) + "/rollback",
                new RollbackRequest(mode, revision, why, force ? Boolean.TRUE : null));
        note("rollback: accepted, state " + Output.text(accepted, "state"));
        if (noWait) {
            print(accepted, Output.deployment(accepted));
            return ExitCodes.OK;
        }
        long deadline = start + timeout * 1_000_000_000L;
        JsonNode view;
        String state;
        while (true) {
            view = api.get("/deployments/" + Api.segment(id));
            state = Output.text(view, "state");
            if (mode.equals("previous-stage")) {
                if ("PAUSED".equals(state) && view.path("stage").path("index").asInt() < indexBefore
                        || "ROLLED_BACK".equals(state)) {
                    break;
                }
            } else if ("ROLLED_BACK".equals(state)) {
                break;
            }
            if ("FAILED".equals(state) || "ABORTED".equals(state) || "SUCCEEDED".equals(state)) {
                print(view, Output.deployment(view));
                throw new CliException(ExitCodes.FAILED, "deployment ended " + state + " instead of rolling back");
            }
            if (System.nanoTime() >= deadline) {
                throw new CliException(ExitCodes.TIMEOUT, "not acknowledged within " + timeout + " s (state " + state
                        + "); see avalo deploy events " + id);
            }
            Thread.sleep(50);
        }
        if (mode.equals("previous-stage") && "PAUSED".equals(state)) {
            waitForRouters(api, view, routerUrls, deadline);
        }
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        print(view, Output.deployment(view));
        if ("ROLLED_BACK".equals(state) && closedWithoutAck(api, id)) {
            throw new CliException(ExitCodes.FAILED, "the orchestrator rolled back after " + elapsedMs
                    + " ms, but no router acknowledged the stable route within its ack timeout: check the routers of "
                    + Output.text(view, "environment"));
        }
        JsonNode stageNow = view.path("stage");
        note("rollback: " + state + " at stage " + stageNow.path("name").asText() + " ("
                + stageNow.path("weightBasisPoints").asInt() + " bp); call to router ack " + elapsedMs + " ms"
                + (view.hasNonNull("rollbackMillis")
                        ? " (orchestrator: decision to ack " + view.get("rollbackMillis")
                                .asLong() + " ms)"
                        : ""));
        return ExitCodes.OK;
    }

    private List<String> routerUrls() {
        List<String> urls = new ArrayList<>();
        if (routers != null) {
            urls.addAll(routers);
        } else if (ctx().env("AVALO_ROUTER_ADMIN_URL") != null) {
            urls.addAll(List.of(ctx().env("AVALO_ROUTER_ADMIN_URL").split(",")));
        }
        urls.replaceAll(String::strip);
        urls.removeIf(String::isEmpty);
        return urls;
    }

    /** Waits until every router serves the service's desired route generation at the deployment's weight. */
    private void waitForRouters(Api api, JsonNode view, List<String> urls, long deadline) throws InterruptedException {
        if (urls.isEmpty()) {
            return;
        }
        String service = Output.text(view, "service");
        String env = Output.text(view, "environment");
        long generation = api.get("/services/" + Api.segment(service) + "/" + Api.segment(env)).path("route")
                .path("generation").asLong();
        int weight = view.path("stage").path("weightBasisPoints").asInt();
        for (String url : urls) {
            Api router = new Api(url, null);
            while (true) {
                try {
                    JsonNode applied = router.get("/routes/" + Api.segment(service) + "/" + Api.segment(env));
                    if (applied.path("generation").asLong() >= generation
                            && applied.path("canaryWeightBasisPoints").asInt() == weight) {
                        break;
                    }
                } catch (CliException e) {
                    // not applied yet, or the router is restarting: keep asking until the deadline
                }
                if (System.nanoTime() >= deadline) {
                    throw new CliException(ExitCodes.TIMEOUT, "router " + url + " has not applied generation " + generation
                            + " (" + weight + " bp) in time");
                }
                Thread.sleep(50);
            }
        }
    }

    /** True when the last rolled-back event was closed by the orchestrator's ack timeout rather than a router's ack. */
    static boolean closedWithoutAck(Api api, String id) {
        JsonNode events = api.get("/deployments/" + Api.segment(id) + "/events");
        String kind = "";
        for (JsonNode e : events) {
            if ("rolled-back".equals(Output.text(e, "type"))) {
                kind = String.valueOf(Output.text(e, "kind"));
            }
        }
        return "timeout".equals(kind);
    }
}
