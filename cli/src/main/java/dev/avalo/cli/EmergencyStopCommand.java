package dev.avalo.cli;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.avalo.contracts.deployment.EmergencyStopRequest;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code avalo emergency-stop}: as {@code scripts/emergency-stop.sh}. */
@Command(name = "emergency-stop", description = {
        "Halt every live deployment and revert its traffic to stable (approver role); wait until each is rolled back "
                + "with its routers' ack and print the time taken.",
        "Exit 0 when all are rolled back (or none was live), 1 when one ended otherwise or without a router ack, "
                + "5 on --timeout."})
class EmergencyStopCommand extends Base {

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (required, audited).")
    String reason;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60", description = "How long to wait for every rollback (default 60).")
    long timeout;

    @Option(names = "--no-wait", description = "Return once the orchestrator accepted the stop.")
    boolean noWait;

    @Override
    public Integer call() throws InterruptedException {
        if (reason.isBlank()) {
            throw usage("--reason must not be empty");
        }
        if (timeout < 1) {
            throw usage("--timeout must be at least 1 second");
        }
        Api api = orchestrator("approver");
        long start = System.nanoTime();
        JsonNode reply = api.post("/emergency-stop", new EmergencyStopRequest(reason));
        List<String> ids = new ArrayList<>();
        reply.path("stopped").forEach(d -> ids.add(Output.text(d, "id")));
        if (ids.isEmpty()) {
            print(reply, "emergency-stop: no live deployment; nothing to stop");
            return ExitCodes.OK;
        }
        note("emergency-stop: stopping " + ids.size() + " deployment(s)");
        if (noWait) {
            StringBuilder text = new StringBuilder();
            reply.path("stopped").forEach(d -> text.append(Output.deploymentLine(d)).append('\n'));
            print(reply, text.toString());
            return ExitCodes.OK;
        }
        long deadline = start + timeout * 1_000_000_000L;
        List<JsonNode> finished = new ArrayList<>();
        boolean failed = false;
        StringBuilder text = new StringBuilder();
        for (String id : ids) {
            JsonNode view;
            String state;
            while (true) {
                view = api.get("/deployments/" + Api.segment(id));
                state = Output.text(view, "state");
                if ("ROLLED_BACK".equals(state) || "ABORTED".equals(state) || "FAILED".equals(state)) {
                    break;
                }
                if (System.nanoTime() >= deadline) {
                    throw new CliException(ExitCodes.TIMEOUT, id + " not rolled back within " + timeout + " s (state "
                            + state + ")");
                }
                Thread.sleep(50);
            }
            finished.add(view);
            text.append(Output.deploymentLine(view)).append(view.hasNonNull("rollbackMillis")
                    ? " (decision to ack " + view.get("rollbackMillis").asLong() + " ms)"
                    : "").append('\n');
            if (!"ROLLED_BACK".equals(state)) {
                failed = true;
            } else if (RollbackCommand.closedWithoutAck(api, id)) {
                note("emergency-stop: " + id + ": no router acknowledged the stable route within the orchestrator's ack "
                        + "timeout");
                failed = true;
            }
        }
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        print(dev.avalo.contracts.Json.mapper().valueToTree(finished), text.toString());
        note("emergency-stop: call to every router ack " + elapsedMs + " ms");
        if (failed) {
            throw new CliException(ExitCodes.FAILED, "some deployments did not roll back with every router's ack");
        }
        return ExitCodes.OK;
    }
}
