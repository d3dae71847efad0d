package dev.avalo.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.avalo.contracts.Json;

/** Text and JSON rendering: deployments, problems, the watch line. */
final class Output {

    private Output() {
    }

    /** Pretty JSON of {@code node}. */
    static String pretty(JsonNode node) {
        try {
            return Json.mapper().writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(node);
        } catch (JsonProcessingException e) {
            return String.valueOf(node);
        }
    }

    /** Compact JSON of {@code value} on one line. */
    static String compact(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }

    /** Prints a failure to stderr (and, in JSON mode, the problem body to stdout); returns its exit code. */
    static int failure(Context ctx, boolean json, Exception e) {
        PrintWriter err = ctx.err();
        if (e instanceof ProblemException p) {
            if (json && p.problem() != null) {
                ctx.out().println(pretty(p.problem()));
            }
            err.print(problem(p));
            return p.exitCode();
        }
        if (e instanceof CliException c) {
            err.println("avalo: " + c.getMessage());
            return c.exitCode();
        }
        err.println("avalo: unexpected error: " + e);
        return ExitCodes.FAILED;
    }

    /** The problem as text: the status line, title, detail, the field named, field errors and details. */
    static String problem(ProblemException p) {
        StringBuilder b = new StringBuilder();
        JsonNode body = p.problem();
        String title = body == null ? null : text(body, "title");
        b.append("avalo: ").append(p.method()).append(' ').append(p.url()).append(" failed: HTTP ").append(p.status());
        if (title != null) {
            b.append(' ').append(title);
        }
        b.append('\n');
        if (body == null) {
            if (!p.raw().isBlank()) {
                b.append("  body: ").append(p.raw().strip()).append('\n');
            }
            return b.toString();
        }
        String detail = text(body, "detail");
        if (detail != null) {
            b.append("  detail: ").append(detail).append('\n');
        }
        String field = text(body, "field");
        if (field != null) {
            b.append("  field: ").append(field).append('\n');
        }
        for (JsonNode error : body.path("errors")) {
            b.append("  - ").append(error.path("field").asText("?")).append(": ").append(error.path("message").asText(""))
                    .append('\n');
        }
        JsonNode details = body.path("details");
        for (Iterator<Map.Entry<String, JsonNode>> it = details.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            JsonNode value = entry.getValue();
            if (value.isArray()) {
                b.append("  ").append(entry.getKey()).append(":\n");
                for (JsonNode item : value) {
                    b.append("    - ").append(item.isValueNode() ? item.asText() : compact(item)).append('\n');
                }
            } else {
                b.append("  ").append(entry.getKey()).append(": ").append(value.isValueNode()
                        ? value.asText()
                        : compact(value)).append('\n');
            }
        }
        return b.toString();
    }

    /** The text field {@code name} of {@code node}, or null when absent or null. */
    static String text(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** A deployment as a short block of text. */
    static String deployment(JsonNode d) {
        StringBuilder b = new StringBuilder();
        row(b, "deployment", text(d, "id"));
        row(b, "service", text(d, "service") + " in " + text(d, "environment"));
        row(b, "revision", text(d, "fromRevision") + " -> " + text(d, "toRevision"));
        row(b, "state", text(d, "state"));
        JsonNode stage = d.path("stage");
        if (!stage.isMissingNode() && !stage.isNull()) {
            String min = stage.path("minDurationSeconds").asLong() > 0
                    ? ", at least " + duration(stage.path("minDurationSeconds").asLong())
                    : "";
            row(b, "stage", (stage.path("index").asInt() + 1) + " " + stage.path("name").asText() + " at "
                    + percent(stage.path("weightBasisPoints").asInt()) + " canary" + min
                    + (stage.hasNonNull("startedAt") ? " (since " + stage.get("startedAt").asText() + ")" : ""));
        }
        JsonNode health = d.get("health");
        if (health != null && !health.isNull()) {
            row(b, "health", score(health) + " " + health.path("verdict").asText("?")
                    + (health.hasNonNull("at") ? " at " + health.get("at").asText() : ""));
            for (JsonNode reason : health.path("reasons")) {
                row(b, "", reason.asText());
            }
        } else {
            row(b, "health", "no report yet");
        }
        if (d.hasNonNull("strategy")) {
            row(b, "strategy", text(d, "strategy"));
        }
        if (d.has("rollbackSafe") && !d.path("rollbackSafe").asBoolean(true)) {
            row(b, "rollback", "unsafe (contract migration: --force with an approver token)");
        }
        if (d.hasNonNull("rollbackMillis")) {
            row(b, "rolled back", d.get("rollbackMillis").asLong() + " ms from decision to router ack");
        }
        row(b, "created", "by " + text(d, "createdBy") + " at " + text(d, "createdAt"));
        row(b, "updated", text(d, "updatedAt"));
        return b.toString();
    }

    /** One line per deployment: id, service/env, revisions, state, stage and weight. */
    static String deploymentLine(JsonNode d) {
        JsonNode stage = d.path("stage");
        return String.format(Locale.ROOT, "%s  %s/%s  %s -> %s  %s  %s %s", text(d, "id"), text(d, "service"),
                text(d, "environment"), text(d, "fromRevision"), text(d, "toRevision"), text(d, "state"),
                stage.path("name").asText("-"), percent(stage.path("weightBasisPoints").asInt()));
    }

    /** The watch line: a bar of the canary weight, the stage, the state, the score and verdict. */
    static String watchLine(JsonNode d, JsonNode health, int stages) {
        JsonNode stage = d.path("stage");
        int weight = stage.path("weightBasisPoints").asInt();
        String stageOf = (stage.path("index").asInt() + 1) + (stages > 0 ? "/" + stages : "");
        String scored = health == null ? "score -" : "score " + score(health) + " " + health.path("verdict").asText("?");
        return String.format(Locale.ROOT, "%s %7s  stage %s %s  %s  %s", bar(weight, 30), percent(weight), stageOf,
                stage.path("name").asText("-"), text(d, "state"), scored);
    }

    /** {@code [#####-----]} of {@code basisPoints} out of 10 000. */
    static String bar(int basisPoints, int width) {
        int clamped = Math.max(0, Math.min(10_000, basisPoints));
        int filled = (int) Math.round(clamped * (double) width / 10_000);
        return "[" + "#".repeat(filled) + "-".repeat(width - filled) + "]";
    }

    /** Basis points as a percentage: 1000 → "10 %", 150 → "1.5 %". */
    static String percent(int basisPoints) {
        if (basisPoints % 100 == 0) {
            return basisPoints / 100 + " %";
        }
        return String.format(Locale.ROOT, "%.2f %%", basisPoints / 100.0).replaceAll("0+ %$", " %");
    }

    static String score(JsonNode health) {
        JsonNode score = health.get("score");
        return score == null || score.isNull() ? "-" : String.format(Locale.ROOT, "%.1f", score.asDouble());
    }

    static String duration(long seconds) {
        Duration d = Duration.ofSeconds(seconds);
        if (seconds % 3600 == 0) {
            return d.toHours() + "h";
        }
        if (seconds % 60 == 0) {
            return d.toMinutes() + "m";
        }
        return seconds + "s";
    }

    private static void row(StringBuilder b, String key, String value) {
        b.append(String.format(Locale.ROOT, "%-12s %s%n", key, value));
    }
}
