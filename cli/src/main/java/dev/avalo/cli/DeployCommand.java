package dev.avalo.cli;

import com.fasterxml.jackson.databind.JsonNode;

import dev.avalo.contracts.deployment.ActionRequest;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code avalo deploy …}: deployments on the orchestrator. */
@Command(name = "deploy", description = "Start, inspect, watch, control and roll back deployments (orchestrator).", subcommands = {
        StartCommand.class, DeployCommand.Status.class, DeployCommand.ListDeployments.class,
        DeployCommand.Events.class, WatchCommand.class, DeployCommand.Promote.class, DeployCommand.Approve.class,
        DeployCommand.Pause.class, DeployCommand.Resume.class, RollbackCommand.class, DeployCommand.Abort.class})
public class DeployCommand extends Base {

    @Override
    public Integer call() {
        throw usage("say which deploy command (see avalo deploy --help)");
    }

    @Command(name = "status", description = "Show a deployment: state, stage, weight, last health report.")
    static class Status extends Base {

        @Mixin
        Target target;

        @Override
        public Integer call() {
            Api api = orchestrator("viewer");
            String id = target.resolve(this, api);
            JsonNode d = api.get("/deployments/" + Api.segment(id));
            print(d, Output.deployment(d));
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", description = "List deployments, newest first.")
    static class ListDeployments extends Base {

        @Option(names = "--service", paramLabel = "NAME", description = "Only this service.")
        String service;

        @Option(names = {"--env", "--environment"}, paramLabel = "ENV", description = "Only this environment.")
        String env;

        @Option(names = "--state", paramLabel = "STATE", description = "Only this state (e.g. RUNNING).")
        String state;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "At most N (1-1000, default 20).")
        int limit;

        @Override
        public Integer call() {
            if (limit < 1 || limit > 1000) {
                throw usage("--limit must be 1-1000");
            }
            JsonNode list = orchestrator("viewer").get("/deployments" + Api.query("service", service, "environment", env,
                    "state", state, "limit", limit));
            StringBuilder text = new StringBuilder();
            for (JsonNode d : list) {
                text.append(Output.deploymentLine(d)).append('\n');
            }
            print(list, list.isEmpty() ? "no deployments" : text.toString());
            return ExitCodes.OK;
        }
    }

    @Command(name = "events", description = "Show a deployment's timeline.")
    static class Events extends Base {

        @Mixin
        Target target;

        @Override
        public Integer call() {
            Api api = orchestrator("viewer");
            String id = target.resolve(this, api);
            JsonNode events = api.get("/deployments/" + Api.segment(id) + "/events");
            StringBuilder text = new StringBuilder();
            for (JsonNode e : events) {
                text.append(String.format("%s  %-22s stage %d  %s  by %s%s%n", Output.text(e, "at"), Output.text(e, "type"),
                        e.path("stageIndex").asInt() + 1, Output.text(e, "phase"), Output.text(e, "actor"),
                        e.hasNonNull("reason") ? ": " + e.get("reason").asText() : ""));
            }
            print(events, text.toString());
            return ExitCodes.OK;
        }
    }

    /** promote, approve, pause, resume, abort: a POST with an optional reason. */
    abstract static class Action extends Base {

        @Mixin
        Target target;

        @Option(names = "--reason", paramLabel = "TEXT", description = "Why (recorded on the timeline).")
        String reason;

        abstract String action();

        String role() {
            return "deployer";
        }

        Boolean force() {
            return null;
        }

        @Override
        public Integer call() {
            Api api = orchestrator(role());
            String id = target.resolve(this, api);
            JsonNode d = api.post("/deployments/" + Api.segment(id) + "/" + action(), new ActionRequest(reason, force()));
            print(d, action() + ": " + Output.text(d, "id") + " is " + Output.text(d, "state") + "\n"
                    + Output.deployment(d));
            return ExitCodes.OK;
        }
    }

    @Command(name = "promote", description = "Move a deployment to its next stage now.")
    static class Promote extends Action {
        @Override
        String action() {
            return "promote";
        }
    }

    @Command(name = "approve", description = "Approve a deployment in AWAITING_APPROVAL (approver role).")
    static class Approve extends Action {
        @Override
        String action() {
            return "approve";
        }

        @Override
        String role() {
            return "approver";
        }
    }

    @Command(name = "pause", description = "Pause a deployment at its current weight.")
    static class Pause extends Action {
        @Override
        String action() {
            return "pause";
        }
    }

    @Command(name = "resume", description = "Resume a paused deployment.")
    static class Resume extends Action {
        @Override
        String action() {
            return "resume";
        }
    }

    @Command(name = "abort", description = "Abort a deployment (traffic back to stable).")
    static class Abort extends Action {

        @Option(names = "--force", description = "Abort a rollback-unsafe deployment (approver role).")
        boolean force;

        @Override
        String action() {
            return "abort";
        }

        @Override
        String role() {
            return force ? "approver" : "deployer";
        }

        @Override
        Boolean force() {
            return force ? Boolean.TRUE : null;
        }
    }
}
