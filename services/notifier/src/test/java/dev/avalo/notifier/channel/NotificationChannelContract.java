package dev.avalo.notifier.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.avalo.notifier.notification.Notification;

/**
 * What every {@link NotificationChannel} promises, whatever its provider. Each channel's test extends this and supplies a
 * channel wired to a healthy fake of its provider.
 */
public abstract class NotificationChannelContract {

    /** A configured channel whose provider accepts everything. */
    protected abstract NotificationChannel channel();

    /** The same channel without its settings. */
    protected abstract NotificationChannel unconfiguredChannel();

    /** The provider name {@link NotificationChannel#type()} returns. */
    protected abstract String expectedType();

    /** The values that must never show in a detail (webhook URL, routing key …). */
    protected List<String> secrets() {
        return List.of();
    }

    /** How many attempts reached the provider's fake so far. */
    protected abstract int providerCalls();

    /** How many calls of the provider one delivered send makes (0 for a channel without a provider). */
    protected int callsPerSend() {
        return 1;
    }

    @Test
    void reportsItsTypeAndAnIdOfThatType() {
        NotificationChannel channel = channel();
        assertThat(channel.type()).isEqualTo(expectedType());
        assertThat(channel.id()).matches(expectedType() + "(:[a-z0-9-]+)?");
        assertThat(unconfiguredChannel().id()).isEqualTo(channel.id());
    }

    @Test
    void configuredOnlyWithItsSettings() {
        assertThat(channel().configured()).isTrue();
        assertThat(unconfiguredChannel().configured()).isFalse();
    }

    @Test
    void unconfiguredChannelIsANoOpThatNeverReachesTheProvider() {
        int before = providerCalls();
        SendResult result = unconfiguredChannel().send(Samples.rollbackStarted());
        assertThat(result).isInstanceOf(SendResult.Delivered.class);
        assertThat(result.detail()).contains("skipped");
        assertThat(providerCalls()).isEqualTo(before);
    }

    @Test
    void criticalNotificationIsDelivered() {
        assertDelivered(Samples.rollbackStarted());
    }

    @Test
    void summaryIsDelivered() {
        assertDelivered(Samples.summary());
    }

    @Test
    void notificationWithoutDeploymentFieldsIsDelivered() {
        assertDelivered(Samples.freezeStarted());
    }

    @Test
    void rolledBackIsDelivered() {
        assertDelivered(Samples.rolledBack());
    }

    private void assertDelivered(Notification notification) {
        int before = providerCalls();
        SendResult result = channel().send(notification);
        assertThat(result).isInstanceOf(SendResult.Delivered.class);
        assertThat(providerCalls()).isEqualTo(before + callsPerSend());
        assertNoSecret(result);
    }

    /** Fails when {@code result}'s detail contains one of {@link #secrets()}. */
    protected void assertNoSecret(SendResult result) {
        assertThat(result.detail()).isNotNull();
        for (String secret : secrets()) {
            assertThat(result.detail()).doesNotContain(secret);
        }
    }
}
