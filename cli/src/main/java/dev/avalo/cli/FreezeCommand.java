package dev.avalo.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code avalo freeze …}: the scheduler's freezes. */
@Command(name = "freeze", description = "List, add and remove deployment freezes (scheduler).", subcommands = {
        FreezeCommand.ListFreezes.class, FreezeCommand.Add.class, FreezeCommand.Remove.class})
public class FreezeCommand extends Base {

    @Override
    public Integer call() {
        throw usage("say which freeze command (see avalo freeze --help)");
    }

    @Command(name = "list", description = "Freezes overlapping a range (default: now to 90 days ahead).")
    static class ListFreezes extends Base {

        @Option(names = "--from", paramLabel = "WHEN", description = "Start: ISO-8601 date-time, with offset or local.")
        String from;

        @Option(names = "--to", paramLabel = "WHEN", description = "End: ISO-8601 date-time, with offset or local.")
        String to;

        @Option(names = "--time-zone", paramLabel = "ZONE", description = "Zone of local times (default the scheduler's).")
        String timeZone;

        @Override
        public Integer call() {
            JsonNode list = scheduler("viewer").get("/freezes" + Api.query("from", from, "to", to, "timeZone", timeZone));
            StringBuilder text = new StringBuilder();
            for (JsonNode f : list) {
                text.append(String.format("%s  %-14s %s .. %s  %s%s%s%n", Output.text(f, "id"), Output.text(f, "kind"),
                        Output.text(f, "startsAt"), Output.text(f, "endsAt"), Output.text(f, "name"),
                        f.path("environments").isEmpty() ? "" : "  env " + join(f.path("environments")),
                        f.path("services").isEmpty() ? "" : "  services " + join(f.path("services"))));
            }
            print(list, list.isEmpty() ? "no freezes" : text.toString());
            return ExitCodes.OK;
        }

        private static String join(JsonNode array) {
            StringBuilder b = new StringBuilder();
            array.forEach(n -> b.append(b.length() == 0 ? "" : ",").append(n.asText()));
            return b.toString();
        }
    }

    @Command(name = "add", description = "Add an ad-hoc freeze (admin role).")
    static class Add extends Base {

        @Option(names = "--name", required = true, paramLabel = "TEXT", description = "What it is (e.g. Launch event).")
        String name;

        @Option(names = "--starts-at", required = true, paramLabel = "WHEN", description = "ISO-8601 date-time, with offset or local to --time-zone.")
        String startsAt;

        @Option(names = "--ends-at", required = true, paramLabel = "WHEN", description = "After --starts-at.")
        String endsAt;

        @Option(names = "--reason", paramLabel = "TEXT", description = "Why.")
        String reason;

        @Option(names = "--time-zone", paramLabel = "ZONE", description = "Zone of local times.")
        String timeZone;

        @Option(names = {"--env",
                "--environment"}, paramLabel = "ENV", description = "Environments it applies to (repeatable; default where calendar freezes apply: production).")
        List<String> environments;

        @Option(names = "--service", paramLabel = "NAME", description = "Only these services (repeatable; default all).")
        List<String> services;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("reason", reason);
            body.put("startsAt", startsAt);
            body.put("endsAt", endsAt);
            body.put("timeZone", timeZone);
            body.put("environments", environments);
            body.put("services", services);
            body.values().removeIf(v -> v == null);
            JsonNode f = scheduler("admin").post("/freezes", body);
            print(f, "freeze added: " + Output.text(f, "id") + " " + Output.text(f, "name") + " "
                    + Output.text(f, "startsAt") + " .. " + Output.text(f, "endsAt"));
            return ExitCodes.OK;
        }
    }

    @Command(name = "remove", description = "Remove an ad-hoc freeze (admin role); an active one ends at once.")
    static class Remove extends Base {

        @Parameters(index = "0", paramLabel = "ID", description = "The freeze id (from freeze list).")
        String id;

        @Override
        public Integer call() {
            scheduler("admin").delete("/freezes/" + Api.segment(id));
            Map<String, Object> removed = Map.of("id", id, "removed", true);
            print(dev.avalo.contracts.Json.mapper().valueToTree(removed), "freeze removed: " + id);
            return ExitCodes.OK;
        }
    }
}
