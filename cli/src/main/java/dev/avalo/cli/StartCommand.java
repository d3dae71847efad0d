package dev.avalo.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.avalo.contracts.Json;
import dev.avalo.contracts.deployment.MigrationSpec;
import dev.avalo.contracts.deployment.StartDeploymentRequest;
import dev.avalo.contracts.schedule.Emergency;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code avalo deploy start}: {@code POST /api/v1/deployments}. */
@Command(name = "start", description = "Start a canary deployment of a new revision.")
class StartCommand extends Base {

    @Option(names = "--service", required = true, paramLabel = "NAME", description = "The service (registered).")
    String service;

    @Option(names = {"--env", "--environment"}, required = true, paramLabel = "ENV", description = "The environment.")
    String env;

    @Option(names = "--revision", required = true, paramLabel = "REV", description = "The new revision.")
    String revision;

    @Option(names = "--upstream", required = true, paramLabel = "URL", description = "An upstream URL of the new revision (repeatable).")
    List<String> upstreams;

    @Option(names = "--strategy", paramLabel = "NAME", description = "Strategy (default: the environment's).")
    String strategy;

    @Option(names = "--checklist-file", paramLabel = "FILE", description = "Pre-deployment checklist: a JSON object or lines item=evidence (# comments).")
    Path checklistFile;

    @Option(names = "--check", paramLabel = "ITEM=EVIDENCE", description = "One checklist item with its evidence (repeatable; overrides the file).")
    Map<String, String> checks;

    @Option(names = "--emergency-reason", paramLabel = "TEXT", description = "Emergency deployment through a blocking schedule (approver role; with --approved-by).")
    String emergencyReason;

    @Option(names = "--approved-by", paramLabel = "NAME", description = "Who approved the emergency.")
    String approvedBy;

    @Option(names = "--migration-phase", paramLabel = "PHASE", description = "expand or contract (with --migration-file).")
    String migrationPhase;

    @Option(names = "--migration-file", paramLabel = "FILE", description = "SQL migration shipped with the revision.")
    Path migrationFile;

    @Option(names = "--idempotency-key", paramLabel = "KEY", description = "Idempotency-Key: a repeated start with the same key and body returns the same deployment.")
    String idempotencyKey;

    @Override
    public Integer call() {
        if ((emergencyReason == null) != (approvedBy == null)) {
            throw usage("an emergency needs both --emergency-reason and --approved-by");
        }
        if ((migrationPhase == null) != (migrationFile == null)) {
            throw usage("a migration needs both --migration-phase and --migration-file");
        }
        if (migrationPhase != null && !migrationPhase.equals("expand") && !migrationPhase.equals("contract")) {
            throw usage("--migration-phase must be expand or contract, not '" + migrationPhase + "'");
        }
        for (String upstream : upstreams) {
            if (!upstream.startsWith("http://") && !upstream.startsWith("https://")) {
                throw usage("--upstream must be an http:// or https:// URL, not '" + upstream + "'");
            }
        }
        Map<String, String> checklist = new LinkedHashMap<>();
        if (checklistFile != null) {
            checklist.putAll(readChecklist(checklistFile));
        }
        if (checks != null) {
            checklist.putAll(checks);
        }
        MigrationSpec migration = migrationPhase == null ? null : new MigrationSpec(migrationPhase, read(migrationFile));
        Emergency emergency = emergencyReason == null ? null : new Emergency(emergencyReason, approvedBy);
        StartDeploymentRequest body = new StartDeploymentRequest(service, env, revision, List.copyOf(upstreams), strategy,
                migration, emergency, checklist.isEmpty() ? null : checklist);
        Api api = orchestrator(emergency == null ? "deployer" : "approver");
        Map<String, String> headers = idempotencyKey == null ? Map.of() : Map.of("Idempotency-Key", idempotencyKey);
        Api.Response response = api.send("POST", "/deployments", body, headers);
        JsonNode d = response.body();
        String how = response.status() == 201 ? "started" : "already started (idempotent replay)";
        print(d, how + ": " + Output.text(d, "id") + "\n" + Output.deployment(d));
        return ExitCodes.OK;
    }

    private String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw usage("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** A JSON object of item → evidence, or lines {@code item=evidence} with blank lines and {@code #} comments. */
    Map<String, String> readChecklist(Path file) {
        String text = read(file).strip();
        Map<String, String> items = new LinkedHashMap<>();
        if (text.startsWith("{")) {
            JsonNode node;
            try {
                node = Json.mapper().readTree(text);
            } catch (IOException e) {
                throw usage(file + " is not valid JSON: " + e.getMessage());
            }
            node.fields().forEachRemaining(e -> items.put(e.getKey(), e.getValue().asText()));
            return items;
        }
        List<String> bad = new ArrayList<>();
        int n = 0;
        for (String line : text.split("\\R")) {
            n++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int eq = l.indexOf('=');
            if (eq <= 0) {
                bad.add(String.valueOf(n));
                continue;
            }
            items.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip());
        }
        if (!bad.isEmpty()) {
            throw usage(file + ": lines " + String.join(", ", bad) + " are not item=evidence");
        }
        return items;
    }
}
