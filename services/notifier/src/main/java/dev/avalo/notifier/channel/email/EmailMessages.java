package dev.avalo.notifier.channel.email;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.avalo.notifier.notification.Notification;
import dev.avalo.notifier.notification.Numbers;
import dev.avalo.notifier.notification.Severity;

/**
 * Renders a {@link Notification} as an email: subject {@code <prefix> [CRITICAL] <title>}, a plain-text body and an HTML body
 * with the same facts as the Slack message (text, service, environment, revisions, stage, health score, verdict, reasons,
 * further fields, link). Everything from the notification is HTML-escaped; the link is only made clickable when it is http(s).
 */
public final class EmailMessages {

    static final int MAX_SUBJECT = 200;
    static final int SUMMARY_LISTED = 50;

    private EmailMessages() {
    }

    /** {@code "[avalo] [CRITICAL] Rollback started: chat-api in production"} on one line. */
    public static String subject(Notification n, String prefix) {
        String severity = (n.severity() == null ? Severity.INFO : n.severity()).name();
        String subject = (prefix == null || prefix.isBlank() ? "" : prefix.strip() + " ") + "[" + severity + "] "
                + title(n);
        subject = oneLine(subject);
        return subject.length() <= MAX_SUBJECT ? subject : subject.substring(0, MAX_SUBJECT - 1) + "…";
    }

    /** The title, or "N notifications held back by the rate limit" for a summary. */
    static String title(Notification n) {
        if (n.isSummary()) {
            int count = n.summarised().size();
            return count + (count == 1 ? " notification" : " notifications") + " held back by the rate limit";
        }
        return n.title() == null || n.title().isBlank() ? String.valueOf(n.kind()) : n.title();
    }

    /** Label → value of the facts known, in display order. */
    static Map<String, String> facts(Notification n) {
        Map<String, String> facts = new LinkedHashMap<>();
        put(facts, "Severity", n.severity() == null ? null : n.severity().lower());
        put(facts, "Service", n.service());
        put(facts, "Environment", n.environment());
        put(facts, "Revisions", n.revisionsText());
        put(facts, "Stage", n.stageText());
        put(facts, "Health score", n.healthScore() == null ? null : Numbers.format(n.healthScore()));
        put(facts, "Verdict", n.verdict());
        n.fields().forEach((k, v) -> put(facts, k, v));
        return facts;
    }

    private static void put(Map<String, String> facts, String label, String value) {
        if (value != null) {
            facts.putIfAbsent(label, value);
        }
    }

    private static List<String> summaryLines(Notification n) {
        List<String> lines = new ArrayList<>();
        List<Notification> held = n.summarised();
        for (int i = 0; i < held.size() && i < SUMMARY_LISTED; i++) {
            Notification h = held.get(i);
            lines.add((h.severity() == null ? "info" : h.severity().lower()) + ": "
                    + (h.title() == null ? String.valueOf(h.kind()) : h.title()));
        }
        if (held.size() > SUMMARY_LISTED) {
            lines.add("… and " + (held.size() - SUMMARY_LISTED) + " more");
        }
        return lines;
    }

    /** The plain-text body. */
    public static String text(Notification n) {
        StringBuilder sb = new StringBuilder(title(n)).append("\n\n");
        if (n.text() != null && !n.text().isBlank()) {
            sb.append(n.text()).append("\n\n");
        }
        if (n.isSummary()) {
            summaryLines(n).forEach(l -> sb.append("- ").append(oneLine(l)).append('\n'));
            sb.append('\n');
        } else {
            Map<String, String> facts = facts(n);
            facts.forEach((k, v) -> sb.append(oneLine(k)).append(": ").append(oneLine(v)).append('\n'));
            if (!facts.isEmpty()) {
                sb.append('\n');
            }
            if (!n.reasons().isEmpty()) {
                sb.append("Reasons:\n");
                n.reasons().forEach(r -> sb.append("- ").append(oneLine(r.sentence())).append('\n'));
                sb.append('\n');
            }
        }
        if (n.link() != null && !n.link().isBlank()) {
            sb.append(n.isSummary() ? "View: " : "View deployment: ").append(oneLine(n.link())).append('\n');
        }
        if (n.eventId() != null) {
            if (!sb.toString().endsWith("\n\n")) {
                sb.append('\n');
            }
            sb.append("-- \nAvalo Deploy, event ").append(oneLine(n.eventId())).append('\n');
        }
        return sb.toString();
    }

    /** The HTML body. */
    public static String html(Notification n) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").append(escape(title(n)))
                .append("</title></head>\n<body style=\"font-family: sans-serif\">\n");
        sb.append("<h2>").append(escape(title(n))).append("</h2>\n");
        if (n.text() != null && !n.text().isBlank()) {
            sb.append("<p>").append(escape(n.text())).append("</p>\n");
        }
        if (n.isSummary()) {
            sb.append("<ul>\n");
            summaryLines(n).forEach(l -> sb.append("<li>").append(escape(l)).append("</li>\n"));
            sb.append("</ul>\n");
        } else {
            Map<String, String> facts = facts(n);
            if (!facts.isEmpty()) {
                sb.append("<table>\n");
                facts.forEach((k, v) -> sb.append("<tr><th align=\"left\">").append(escape(k)).append("</th><td>")
                        .append(escape(v)).append("</td></tr>\n"));
                sb.append("</table>\n");
            }
            if (!n.reasons().isEmpty()) {
                sb.append("<h3>Reasons</h3>\n<ul>\n");
                n.reasons().forEach(r -> sb.append("<li>").append(escape(r.sentence())).append("</li>\n"));
                sb.append("</ul>\n");
            }
        }
        if (n.link() != null && !n.link().isBlank()) {
            String label = n.isSummary() ? "View" : "View deployment";
            if (isHttp(n.link())) {
                sb.append("<p><a href=\"").append(escape(n.link())).append("\">").append(label).append("</a></p>\n");
            } else {
                sb.append("<p>").append(label).append(": ").append(escape(n.link())).append("</p>\n");
            }
        }
        if (n.eventId() != null) {
            sb.append("<p style=\"color: #888\">Avalo Deploy, event ").append(escape(n.eventId())).append("</p>\n");
        }
        sb.append("</body></html>\n");
        return sb.toString();
    }

    private static boolean isHttp(String link) {
        String lower = link.strip().toLowerCase(Locale.ROOT);
        return lower.startsWith("https://") || lower.startsWith("http://");
    }

    /** HTML-escapes text and attribute values. */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("[\\r\\n]+", " ").strip();
    }
}
