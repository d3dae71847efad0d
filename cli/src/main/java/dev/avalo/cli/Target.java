package dev.avalo.cli;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Which deployment a command acts on: its id, or {@code --service}/{@code --env} for the live one of that service. */
final class Target {

    /** States in which a deployment is live (not finished). */
    static final Set<String> LIVE = Set.of("PENDING", "RUNNING", "PAUSED", "AWAITING_APPROVAL", "BAKING", "ROLLING_BACK");
    /** Final states. */
    static final Set<String> TERMINAL = Set.of("SUCCEEDED", "ROLLED_BACK", "ABORTED", "FAILED");

    @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "The deployment id.")
    String id;

    @Option(names = "--service", paramLabel = "NAME", description = "With --env instead of ID: the live deployment of this service.")
    String service;

    @Option(names = {"--env",
            "--environment"}, paramLabel = "ENV", description = "With --service instead of ID: the environment.")
    String env;

    /** The deployment id: the given one, or the live deployment of --service in --env (exit 3 when there is none). */
    String resolve(Base command, Api api) {
        if (id != null && (service != null || env != null)) {
            throw command.usage("give either the deployment ID or --service and --env, not both");
        }
        if (id != null) {
            if (id.isBlank()) {
                throw command.usage("the deployment ID is empty");
            }
            return id;
        }
        if (service == null || env == null) {
            throw command.usage("which deployment? give its ID, or --service NAME and --env ENV for the live one");
        }
        JsonNode list = api.get("/deployments" + Api.query("service", service, "environment", env, "limit", 20));
        for (JsonNode d : list) {
            if (LIVE.contains(d.path("state").asText())) {
                return d.path("id").asText();
            }
        }
        throw new CliException(ExitCodes.NOT_FOUND, "no live deployment of " + service + " in " + env);
    }
}
