package dev.avalo.notifier.channel.slack;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.avalo.contracts.Json;
import dev.avalo.notifier.channel.HttpReplies;
import dev.avalo.notifier.notification.Notification;
import dev.avalo.notifier.notification.Numbers;
import dev.avalo.notifier.notification.Severity;

/**
 * Renders a {@link Notification} as the JSON body of a Slack incoming webhook: a {@code text} fallback (used by notifications
 * and old clients) and Block Kit {@code blocks} within Slack's limits (header 150 chars, section text 3000, 10 fields of 2000,
 * 10 context elements). Everything from the notification that goes into {@code mrkdwn} is escaped ({@code & < >}) so it cannot
 * forge links or mentions.
 */
public final class SlackMessages {

    static final int MAX_HEADER = 150;
    static final int MAX_SECTION_TEXT = 3000;
    static final int MAX_FIELD_TEXT = 2000;
    static final int MAX_FIELDS = 10;
    static final int MAX_CONTEXT_ELEMENTS = 10;
    static final int MAX_FALLBACK_TEXT = 3000;
    static final int SUMMARY_LISTED = 20;
    static final int MAX_BUTTON_URL = 3000;

    private SlackMessages() {
    }

    /** The webhook body for {@code n}. */
    public static ObjectNode render(Notification n) {
        return n.isSummary() ? renderSummary(n) : renderSingle(n);
    }

    /** The emoji a header starts with. */
    static String emoji(Notification n) {
        Severity severity = n.severity() == null ? Severity.INFO : n.severity();
        return switch (severity) {
            case CRITICAL -> ":rotating_light:";
            case WARNING -> ":warning:";
            case INFO -> isGoodNews(n.kind()) ? ":white_check_mark:" : ":information_source:";
        };
    }

    private static boolean isGoodNews(String kind) {
        if (kind == null) {
            return false;
        }
        return kind.endsWith("passed") || kind.endsWith("succeeded") || kind.endsWith("promoted")
                || kind.endsWith("completed") || kind.endsWith("resolved") || kind.endsWith("ended");
    }

    /** "N notifications held back by the rate limit". */
    public static String summaryTitle(Notification n) {
        int count = n.summarised().size();
        return count + (count == 1 ? " notification" : " notifications") + " held back by the rate limit";
    }

    private static ObjectNode renderSingle(Notification n) {
        String title = n.title() == null || n.title().isBlank() ? String.valueOf(n.kind()) : n.title();
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("text", HttpReplies.truncate(escape(title), MAX_FALLBACK_TEXT));
        ArrayNode blocks = body.putArray("blocks");
        blocks.add(header(emoji(n) + " " + title));
        if (n.text() != null && !n.text().isBlank()) {
            blocks.add(section(escape(n.text())));
        }
        List<String> facts = facts(n);
        if (!facts.isEmpty()) {
            ObjectNode section = blocks.addObject().put("type", "section");
            ArrayNode fields = section.putArray("fields");
            facts.stream().limit(MAX_FIELDS).forEach(f -> fields.add(mrkdwn(HttpReplies.truncate(f, MAX_FIELD_TEXT))));
        }
        if (!n.reasons().isEmpty()) {
            StringBuilder sb = new StringBuilder("*Reasons*");
            for (Notification.Reason reason : n.reasons()) {
                sb.append("\n• ").append(escape(reason.sentence()));
            }
            blocks.add(section(sb.toString()));
        }
        if (!n.fields().isEmpty()) {
            blocks.add(context(n.fields()));
        }
        link(blocks, n.link());
        return body;
    }

    private static ObjectNode renderSummary(Notification n) {
        String title = summaryTitle(n);
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("text", title);
        ArrayNode blocks = body.putArray("blocks");
        blocks.add(header(emoji(n) + " " + title));
        if (n.text() != null && !n.text().isBlank()) {
            blocks.add(section(escape(n.text())));
        }
        StringBuilder sb = new StringBuilder();
        List<Notification> held = n.summarised();
        for (int i = 0; i < held.size() && i < SUMMARY_LISTED; i++) {
            Notification h = held.get(i);
            sb.append(i == 0 ? "" : "\n").append("• *").append(h.severity() == null ? "info" : h.severity().lower())
                    .append("* ").append(escape(h.title() == null ? String.valueOf(h.kind()) : h.title()));
        }
        if (held.size() > SUMMARY_LISTED) {
            sb.append("\n… and ").append(held.size() - SUMMARY_LISTED).append(" more");
        }
        blocks.add(section(sb.toString()));
        link(blocks, n.link());
        return body;
    }

    /** The mrkdwn fields: {@code *Service*\nchat-api} …, only those known. */
    static List<String> facts(Notification n) {
        List<String> facts = new ArrayList<>();
        fact(facts, "Service", n.service());
        fact(facts, "Environment", n.environment());
        fact(facts, "Revisions", n.revisionsText());
        fact(facts, "Stage", n.stageText());
        fact(facts, "Health score", n.healthScore() == null ? null : Numbers.format(n.healthScore()));
        fact(facts, "Verdict", n.verdict());
        return facts;
    }

    private static void fact(List<String> facts, String label, String value) {
        if (value != null) {
            facts.add("*" + label + "*\n" + escape(value));
        }
    }

    private static ObjectNode header(String text) {
        ObjectNode block = Json.mapper().createObjectNode().put("type", "header");
        block.putObject("text").put("type", "plain_text")
                .put("text", HttpReplies.truncate(text.replaceAll("\\s+", " ").strip(), MAX_HEADER)).put("emoji", true);
        return block;
    }

    private static ObjectNode section(String mrkdwnText) {
        ObjectNode block = Json.mapper().createObjectNode().put("type", "section");
        block.set("text", mrkdwn(HttpReplies.truncate(mrkdwnText, MAX_SECTION_TEXT)));
        return block;
    }

    private static ObjectNode mrkdwn(String text) {
        return Json.mapper().createObjectNode().put("type", "mrkdwn").put("text", text);
    }

    /** The further facts as a context block: one element per entry, the ones past the ninth joined into the tenth. */
    private static ObjectNode context(Map<String, String> fields) {
        List<String> entries = new ArrayList<>();
        fields.forEach((k, v) -> entries.add("*" + escape(k) + "*: " + escape(v == null ? "" : v)));
        if (entries.size() > MAX_CONTEXT_ELEMENTS) {
            List<String> head = new ArrayList<>(entries.subList(0, MAX_CONTEXT_ELEMENTS - 1));
            head.add(String.join(" · ", entries.subList(MAX_CONTEXT_ELEMENTS - 1, entries.size())));
            entries.clear();
            entries.addAll(head);
        }
        ObjectNode block = Json.mapper().createObjectNode().put("type", "context");
        ArrayNode elements = block.putArray("elements");
        entries.forEach(e -> elements.add(mrkdwn(HttpReplies.truncate(e, MAX_FIELD_TEXT))));
        return block;
    }

    /**
     * A "View deployment" button for an http(s) link Slack accepts (at most 3000 chars); any other link as text, since a button
     * Slack refuses would fail the whole message for good.
     */
    private static void link(ArrayNode blocks, String link) {
        if (link == null || link.isBlank()) {
            return;
        }
        String lower = link.strip().toLowerCase(Locale.ROOT);
        if ((lower.startsWith("https://") || lower.startsWith("http://")) && link.length() <= MAX_BUTTON_URL
                && link.strip().equals(link) && !link.contains(" ")) {
            blocks.add(button("View deployment", link));
        } else {
            blocks.add(section("*Link*\n" + escape(link)));
        }
    }

    private static ObjectNode button(String label, String url) {
        ObjectNode block = Json.mapper().createObjectNode().put("type", "actions");
        ObjectNode button = block.putArray("elements").addObject().put("type", "button");
        button.putObject("text").put("type", "plain_text").put("text", label);
        button.put("url", url);
        return block;
    }

    /** Slack's mrkdwn escaping: {@code &}, {@code <} and {@code >} only. */
    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
