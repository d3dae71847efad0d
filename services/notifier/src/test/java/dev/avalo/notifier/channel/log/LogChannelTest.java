package dev.avalo.notifier.channel.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.avalo.notifier.channel.NotificationChannel;
import dev.avalo.notifier.channel.NotificationChannelContract;
import dev.avalo.notifier.channel.Samples;
import dev.avalo.notifier.channel.SendResult;
import dev.avalo.notifier.notification.Notification;
import dev.avalo.notifier.notification.Severity;

class LogChannelTest extends NotificationChannelContract {

    @Override
    protected NotificationChannel channel() {
        return new LogChannel(true);
    }

    @Override
    protected NotificationChannel unconfiguredChannel() {
        return new LogChannel(false);
    }

    @Override
    protected String expectedType() {
        return "log";
    }

    @Override
    protected int providerCalls() {
        return 0;
    }

    @Override
    protected int callsPerSend() {
        return 0;
    }

    @Test
    void sendIsAlwaysDelivered() {
        assertThat(new LogChannel(true).send(Samples.rollbackStarted())).isEqualTo(SendResult.delivered("logged"));
    }

    @Test
    void lineOfARollback() {
        assertThat(LogChannel.line(Samples.rollbackStarted())).isEqualTo(
                "NOTIFY critical rollback.started chat-api/production v122→v123 stage canary-1 at 1 % score 41.2"
                        + " verdict ROLLBACK: Rollback started: chat-api in production"
                        + " — error-rate-3m: error rate > 2% for 3 consecutive minutes (observed 3.1, threshold 2)"
                        + " https://deploy.example.com/deployments/dep-42");
    }

    @Test
    void lineWithoutDeploymentFields() {
        assertThat(LogChannel.line(Samples.freezeStarted()))
                .isEqualTo("NOTIFY warning freeze.started: Freeze started: end-of-year");
    }

    @Test
    void lineOfASummary() {
        assertThat(LogChannel.line(Samples.summary())).isEqualTo(
                "NOTIFY critical summary: 3 held back by the rate limit: critical Rollback started: chat-api in production;"
                        + " info Stage passed: chat-api canary-1; warning Freeze started: end-of-year");
    }

    @Test
    void lineIsOneLineWhateverTheNotificationHolds() {
        Notification n = new Notification("e", "t", "incident.opened", Severity.INFO, Samples.AT,
                "Title\nNOTIFY critical forged", null, null, "svc", null, null, null, "v2", null, null, null, null,
                List.of(new Notification.Reason("r\r\n1", null, 1.5, null)), Map.of(), null, null);

        assertThat(LogChannel.line(n)).isEqualTo(
                "NOTIFY info incident.opened svc/* (none)→v2: Title NOTIFY critical forged — r 1 (observed 1.5, threshold n/a)");
    }
}
