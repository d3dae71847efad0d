package dev.avalo.cli;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.avalo.contracts.schedule.Emergency;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code avalo schedule check}: may a service be deployed to an environment now (or at a time)? */
@Command(name = "schedule", description = "Ask the scheduler whether a deployment may happen.", subcommands = {
        ScheduleCommand.Check.class})
public class ScheduleCommand extends Base {

    @Override
    public Integer call() {
        throw usage("say which schedule command (see avalo schedule --help)");
    }

    @Command(name = "check", description = {"The scheduler's verdict, reasons, freezes in force and next allowed time.",
            "Exit 0 when allowed (PREFERRED, ALLOWED, OVERRIDDEN), 4 when BLOCKED."})
    static class Check extends Base {

        @Option(names = "--service", required = true, paramLabel = "NAME", description = "The service.")
        String service;

        @Option(names = {"--env", "--environment"}, required = true, paramLabel = "ENV", description = "The environment.")
        String env;

        @Option(names = "--at", paramLabel = "WHEN", description = "When (ISO-8601, default now).")
        String at;

        @Option(names = "--time-zone", paramLabel = "ZONE", description = "Zone of a local --at (default Pacific).")
        String timeZone;

        @Option(names = "--emergency-reason", paramLabel = "TEXT", description = "Ask for an emergency override (approver role; with --approved-by; audited).")
        String emergencyReason;

        @Option(names = "--approved-by", paramLabel = "NAME", description = "Who approved the emergency.")
        String approvedBy;

        @Override
        public Integer call() {
            if ((emergencyReason == null) != (approvedBy == null)) {
                throw usage("an emergency needs both --emergency-reason and --approved-by");
            }
            JsonNode reply;
            if (emergencyReason == null) {
                reply = scheduler("viewer").get("/schedule/check" + Api.query("service", service, "environment", env, "at",
                        at, "timeZone", timeZone));
            } else {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("service", service);
                body.put("environment", env);
                body.put("at", at);
                body.put("timeZone", timeZone);
                body.put("emergency", new Emergency(emergencyReason, approvedBy));
                body.values().removeIf(v -> v == null);
                reply = scheduler("approver").post("/schedule/check", body);
            }
            boolean allowed = reply.path("allowed").asBoolean();
            StringBuilder text = new StringBuilder();
            text.append(service).append(" in ").append(env).append(": ").append(reply.path("verdict").asText())
                    .append(allowed ? " (allowed)" : " (blocked)").append('\n');
            StringBuilder reasons = new StringBuilder();
            reply.path("reasons").forEach(r -> reasons.append(r.asText()).append('\n'));
            text.append(reasons.toString().lines().map(r -> "  - " + r + "\n").reduce("", String::concat));
            // the scheduler's reasons usually name the freezes and the next allowed time already
            reply.path("activeFreezes").forEach(f -> {
                if (!reasons.toString().contains(String.valueOf(Output.text(f, "name")))) {
                    text.append("  freeze: ").append(Output.text(f, "name")).append(" (").append(Output.text(f, "kind"))
                            .append(") until ").append(Output.text(f, "endsAt")).append('\n');
                }
            });
            if (reply.hasNonNull("nextAllowedAt") && !reasons.toString().contains("next allowed")) {
                text.append("  next allowed at ").append(reply.get("nextAllowedAt").asText()).append('\n');
            }
            print(reply, text.toString());
            return allowed ? ExitCodes.OK : ExitCodes.BLOCKED;
        }
    }
}
