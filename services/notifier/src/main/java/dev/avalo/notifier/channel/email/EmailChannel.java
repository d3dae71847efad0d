package dev.avalo.notifier.channel.email;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.quarkus.mailer.Mail;
import io.quarkus.mailer.Mailer;
import io.vertx.ext.mail.SMTPException;

import dev.avalo.notifier.channel.HttpReplies;
import dev.avalo.notifier.channel.NotificationChannel;
import dev.avalo.notifier.channel.SendResult;
import dev.avalo.notifier.notification.Notification;

/**
 * Email to a fixed list ({@code email}) through the Quarkus {@link Mailer}: one mail to every recipient per {@link #send}. A
 * failure is permanent only when the SMTP server answered with a 5xx reply (550 mailbox unavailable, 553 bad sender …);
 * everything else — refused connection, timeout, 4xx reply, anything unrecognised — is transient.
 */
public final class EmailChannel implements NotificationChannel {

    /**
     * An SMTP reply with an enhanced status code (RFC 3463) of the same class, at the start of a line or after {@code ": "}:
     * {@code "…: 550 5.1.1 mailbox unavailable"}.
     */
    private static final Pattern ENHANCED_REPLY = Pattern
            .compile("(?:^|\\n|:\\s)(([45])\\d\\d)[ -]\\2\\.\\d{1,3}\\.\\d{1,3}(?:\\s|$)");

    /** An SMTP reply that is a whole line: {@code "550 Mailbox unavailable"}. */
    private static final Pattern LINE_REPLY = Pattern.compile("(?:^|\\n)([45]\\d\\d)[ -]\\p{Alpha}");

    private final Mailer mailer;
    private final List<String> to;
    private final String from;
    private final String subjectPrefix;

    /**
     * @param mailer
     *            the Quarkus mailer (SMTP settings, including the password, are {@code quarkus.mailer.*})
     * @param to
     *            the recipients; empty (or null) leaves the channel unconfigured
     * @param from
     *            the From address
     * @param subjectPrefix
     *            put before every subject, e.g. {@code [avalo]}
     */
    public EmailChannel(Mailer mailer, List<String> to, String from, String subjectPrefix) {
        this.mailer = mailer;
        this.to = to == null
                ? List.of()
                : to.stream().filter(Objects::nonNull).map(String::strip)
                        .filter(s -> !s.isEmpty()).toList();
        this.from = from;
        this.subjectPrefix = subjectPrefix == null ? "" : subjectPrefix;
    }

    @Override
    public String id() {
        return "email";
    }

    @Override
    public String type() {
        return "email";
    }

    @Override
    public boolean configured() {
        return !to.isEmpty() && mailer != null;
    }

    @Override
    public SendResult send(Notification notification) {
        if (!configured()) {
            return SendResult.delivered("email not configured: skipped");
        }
        Mail mail = new Mail()
                .setTo(to)
                .setFrom(from)
                .setSubject(EmailMessages.subject(notification, subjectPrefix))
                .setText(EmailMessages.text(notification))
                .setHtml(EmailMessages.html(notification));
        try {
            mailer.send(mail);
        } catch (RuntimeException e) {
            return classify(e);
        }
        return SendResult.delivered("email sent to " + to.size() + (to.size() == 1 ? " recipient" : " recipients"));
    }

    /** A mailer failure as a result: 5xx SMTP reply permanent, everything else transient. */
    static SendResult classify(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 10; t = t.getCause(), depth++) {
            if (t instanceof InterruptedException) {
                return HttpReplies.interrupted("email");
            }
        }
        Optional<Reply> reply = smtpReply(failure);
        if (reply.isPresent()) {
            String detail = HttpReplies.truncate("email " + reply.get().text(), HttpReplies.MAX_PROVIDER_TEXT + 20);
            return reply.get().code() >= 500 ? SendResult.permanent(detail) : SendResult.transientFailure(detail);
        }
        Throwable root = failure;
        for (depth = 0; root.getCause() != null && root.getCause() != root && depth < 10; depth++) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : ": " + HttpReplies.providerText(root.getMessage(), List.of());
        return SendResult.transientFailure("email " + root.getClass().getSimpleName() + message);
    }

    private record Reply(int code, String text) {
    }

    /**
     * The SMTP server's refusal in {@code failure} or its causes: the reply code of Vert.x' {@link SMTPException}, else a reply
     * recognisable in an exception message (with an enhanced status code, or as a whole line). Empty when none.
     */
    private static Optional<Reply> smtpReply(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 10; t = t.getCause(), depth++) {
            if (t instanceof SMTPException smtp && smtp.getReplyCode() >= 400 && smtp.getReplyCode() < 600) {
                List<String> lines = smtp.getReplyMessages() == null ? List.of() : smtp.getReplyMessages();
                String text = String.join(" ", lines);
                if (!text.startsWith(String.valueOf(smtp.getReplyCode()))) {
                    text = smtp.getReplyCode() + (text.isEmpty() ? "" : " " + text);
                }
                return Optional.of(new Reply(smtp.getReplyCode(), HttpReplies.providerText(text, List.of())));
            }
        }
        depth = 0;
        for (Throwable t = failure; t != null && depth < 10; t = t.getCause(), depth++) {
            String message = t.getMessage();
            if (message == null) {
                continue;
            }
            for (Pattern pattern : List.of(ENHANCED_REPLY, LINE_REPLY)) {
                Matcher m = pattern.matcher(message);
                if (m.find()) {
                    String text = HttpReplies.providerText(message.substring(m.start(1)), List.of());
                    return Optional.of(new Reply(Integer.parseInt(m.group(1)), text));
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "EmailChannel[" + to.size() + " recipients]";
    }
}
