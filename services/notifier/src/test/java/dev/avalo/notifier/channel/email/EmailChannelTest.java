package dev.avalo.notifier.channel.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.mailer.Mail;
import io.quarkus.mailer.Mailer;
import io.vertx.ext.mail.SMTPException;

import dev.avalo.notifier.channel.NotificationChannel;
import dev.avalo.notifier.channel.NotificationChannelContract;
import dev.avalo.notifier.channel.Samples;
import dev.avalo.notifier.channel.SendResult;
import dev.avalo.notifier.notification.Notification;
import dev.avalo.notifier.notification.Severity;

class EmailChannelTest extends NotificationChannelContract {

    /** Captures what would be sent, or fails as told. */
    static final class FakeMailer implements Mailer {
        final List<Mail> sent = new ArrayList<>();
        int calls;
        RuntimeException failure;

        @Override
        public void send(Mail... mails) {
            calls++;
            if (failure != null) {
                throw failure;
            }
            sent.addAll(List.of(mails));
        }
    }

    static final List<String> TO = List.of("leads@example.com", "oncall@example.com");

    FakeMailer mailer;

    @BeforeEach
    void newMailer() {
        mailer = new FakeMailer();
    }

    EmailChannel email() {
        return new EmailChannel(mailer, TO, "avalo-deploy@example.com", "[avalo]");
    }

    @Override
    protected NotificationChannel channel() {
        return email();
    }

    @Override
    protected NotificationChannel unconfiguredChannel() {
        return new EmailChannel(mailer, List.of(), "avalo-deploy@example.com", "[avalo]");
    }

    @Override
    protected String expectedType() {
        return "email";
    }

    @Override
    protected int providerCalls() {
        return mailer.calls;
    }

    @Test
    void sendsOneMailToEveryRecipient() {
        SendResult result = email().send(Samples.rollbackStarted());

        assertThat(result).isEqualTo(SendResult.delivered("email sent to 2 recipients"));
        assertThat(mailer.sent).hasSize(1);
        Mail mail = mailer.sent.get(0);
        assertThat(mail.getTo()).containsExactly("leads@example.com", "oncall@example.com");
        assertThat(mail.getFrom()).isEqualTo("avalo-deploy@example.com");
        assertThat(mail.getSubject()).isEqualTo("[avalo] [CRITICAL] Rollback started: chat-api in production");
    }

    @Test
    void textBodyHoldsEveryFact() {
        email().send(Samples.rollbackStarted());

        assertThat(mailer.sent.get(0).getText()).isEqualTo("""
                Rollback started: chat-api in production

                Canary v123 breached error-rate-3m at stage canary-1; rolling back to v122.

                Severity: critical
                Service: chat-api
                Environment: production
                Revisions: v122 → v123
                Stage: canary-1 at 1 %
                Health score: 41.2
                Verdict: ROLLBACK
                Actor: alice
                Strategy: canary-10-50-100

                Reasons:
                - error-rate-3m: error rate > 2% for 3 consecutive minutes (observed 3.1, threshold 2)

                View deployment: https://deploy.example.com/deployments/dep-42

                --\s
                Avalo Deploy, event evt-1
                """);
    }

    @Test
    void htmlBodyHoldsEveryFactEscaped() {
        email().send(Samples.rollbackStarted());

        String html = mailer.sent.get(0).getHtml();
        assertThat(html)
                .contains("<h2>Rollback started: chat-api in production</h2>")
                .contains("<p>Canary v123 breached error-rate-3m at stage canary-1; rolling back to v122.</p>")
                .contains("<tr><th align=\"left\">Service</th><td>chat-api</td></tr>")
                .contains("<tr><th align=\"left\">Environment</th><td>production</td></tr>")
                .contains("<tr><th align=\"left\">Revisions</th><td>v122 → v123</td></tr>")
                .contains("<tr><th align=\"left\">Stage</th><td>canary-1 at 1 %</td></tr>")
                .contains("<tr><th align=\"left\">Health score</th><td>41.2</td></tr>")
                .contains("<tr><th align=\"left\">Verdict</th><td>ROLLBACK</td></tr>")
                .contains("<tr><th align=\"left\">Actor</th><td>alice</td></tr>")
                .contains("<li>error-rate-3m: error rate &gt; 2% for 3 consecutive minutes (observed 3.1, threshold 2)</li>")
                .contains("<p><a href=\"https://deploy.example.com/deployments/dep-42\">View deployment</a></p>");
    }

    @Test
    void htmlEscapesEverythingFromTheNotification() {
        Notification n = new Notification("e\"1", "t", "incident.opened", Severity.WARNING, Samples.AT,
                "<script>alert('x')</script>", "a & b < c", null, "svc\"><img src=x>", null, null, null, null, null, null,
                null, null, List.of(new Notification.Reason("<b>rule</b>", null, null, null)),
                Map.of("<k>", "<v>"), "javascript:alert(1)", null);

        email().send(n);

        Mail mail = mailer.sent.get(0);
        String html = mail.getHtml();
        assertThat(html).doesNotContain("<script>").doesNotContain("<img").doesNotContain("<b>")
                .doesNotContain("<k>").doesNotContain("href=\"javascript")
                .contains("<h2>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</h2>")
                .contains("<p>a &amp; b &lt; c</p>")
                .contains("<td>svc&quot;&gt;&lt;img src=x&gt;</td>")
                .contains("<li>&lt;b&gt;rule&lt;/b&gt;</li>")
                .contains("<tr><th align=\"left\">&lt;k&gt;</th><td>&lt;v&gt;</td></tr>")
                .contains("<p>View deployment: javascript:alert(1)</p>")
                .contains("event e&quot;1");
        assertThat(mail.getSubject()).isEqualTo("[avalo] [WARNING] <script>alert('x')</script>");
    }

    @Test
    void subjectStaysOnOneLine() {
        Notification n = new Notification("e", "t", "incident.opened", Severity.INFO, Samples.AT,
                "Line one\r\nBcc: everyone@example.com", null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null);

        assertThat(EmailMessages.subject(n, "[avalo]")).isEqualTo("[avalo] [INFO] Line one Bcc: everyone@example.com");
    }

    @Test
    void summaryListsTheHeldBackNotifications() {
        email().send(Samples.summary());

        Mail mail = mailer.sent.get(0);
        assertThat(mail.getSubject()).isEqualTo("[avalo] [CRITICAL] 3 notifications held back by the rate limit");
        assertThat(mail.getText()).isEqualTo("""
                3 notifications held back by the rate limit

                - critical: Rollback started: chat-api in production
                - info: Stage passed: chat-api canary-1
                - warning: Freeze started: end-of-year

                --\s
                Avalo Deploy, event evt-sum-1
                """);
        assertThat(mail.getHtml()).contains("<li>critical: Rollback started: chat-api in production</li>")
                .contains("<li>info: Stage passed: chat-api canary-1</li>")
                .contains("<li>warning: Freeze started: end-of-year</li>");
    }

    SendResult failWith(RuntimeException failure) {
        mailer.failure = failure;
        return email().send(Samples.rollbackStarted());
    }

    @Test
    void mailboxUnavailableIsPermanent() {
        SendResult result = failWith(new CompletionException(new SMTPException("sending to leads@example.com failed", 550,
                List.of("550 5.1.1 <leads@example.com>: Recipient address rejected: User unknown"), true)));

        assertThat(result).isEqualTo(SendResult.permanent(
                "email 550 5.1.1 <leads@example.com>: Recipient address rejected: User unknown"));
    }

    @Test
    void senderRejectedIsPermanent() {
        // the blocking mailer wraps what is not a RuntimeException (SMTPException is a Throwable) in a CompletionException
        SendResult result = failWith(new CompletionException(new SMTPException("sender address not accepted", 553,
                List.of("553 5.7.1 Sender address rejected: not owned by user"), true)));

        assertThat(result).isEqualTo(SendResult.permanent("email 553 5.7.1 Sender address rejected: not owned by user"));
    }

    @Test
    void authenticationRefusedIsPermanent() {
        SendResult result = failWith(new CompletionException(new SMTPException("authentication failed", 535,
                List.of("535 5.7.8 Authentication credentials invalid"), true)));

        assertThat(result).isEqualTo(SendResult.permanent("email 535 5.7.8 Authentication credentials invalid"));
    }

    @Test
    void aReplyInAnExceptionMessageIsRecognised() {
        assertThat(failWith(new IllegalStateException("Failed to send mail: 550 5.1.1 mailbox unavailable")))
                .isEqualTo(SendResult.permanent("email 550 5.1.1 mailbox unavailable"));
        assertThat(failWith(new IllegalStateException("greeting failed\n421 Service not available")))
                .isEqualTo(SendResult.transientFailure("email 421 Service not available"));
    }

    @Test
    void numbersThatAreNoSmtpReplyStayTransient() {
        assertThat(failWith(new IllegalStateException("Timeout: 500 ms elapsed")))
                .isEqualTo(SendResult.transientFailure("email IllegalStateException: Timeout: 500 ms elapsed"));
    }

    @Test
    void temporaryReplyIsTransient() {
        SendResult result = failWith(new CompletionException(new SMTPException("sending failed", 451,
                List.of("451 4.3.0 Temporary local problem, try again later"), false)));

        assertThat(result).isEqualTo(
                SendResult.transientFailure("email 451 4.3.0 Temporary local problem, try again later"));
    }

    @Test
    void connectionRefusedIsTransientEvenOnPort465() {
        SendResult result = failWith(new CompletionException(
                new ConnectException("Connection refused: smtp.example.com/10.0.0.7:465")));

        assertThat(result).isEqualTo(
                SendResult.transientFailure("email ConnectException: Connection refused: smtp.example.com/10.0.0.7:465"));
    }

    @Test
    void timeoutIsTransient() {
        SendResult result = failWith(new CompletionException(new TimeoutException()));

        assertThat(result).isEqualTo(SendResult.transientFailure("email TimeoutException"));
    }

    @Test
    void unrecognisedFailureIsTransient() {
        SendResult result = failWith(new IllegalStateException("mail client closed"));

        assertThat(result).isEqualTo(SendResult.transientFailure("email IllegalStateException: mail client closed"));
    }

    @Test
    void interruptedRestoresTheFlagAndIsTransient() {
        try {
            SendResult result = failWith(new CompletionException(new InterruptedException()));

            assertThat(result).isEqualTo(SendResult.transientFailure("email interrupted"));
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
