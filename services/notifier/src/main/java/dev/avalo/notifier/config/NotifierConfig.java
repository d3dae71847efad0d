package dev.avalo.notifier.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * The notifier's settings ({@code avalo.notifier.*}). Secrets (webhook URLs, routing keys, the webhook signing secret, the SMTP
 * password) have no defaults and come from the environment, e.g. {@code AVALO_NOTIFIER_SLACK_CHANNELS_ALERTS_WEBHOOK_URL}.
 */
@ConfigMapping(prefix = "avalo.notifier")
public interface NotifierConfig {

    /** Slack incoming webhooks. */
    Slack slack();

    /** PagerDuty Events API v2 (out) and webhooks v3 (in). */
    PagerDuty pagerduty();

    /** Email to engineering leads through the Quarkus Mailer ({@code quarkus.mailer.*}). */
    Email email();

    /** The {@code log} channel. */
    LogChannel log();

    /** Which channels hear which events. */
    Routing routing();

    /**
     * Per-channel minimum severity and rate limit, keyed by the channel id with {@code :} written as {@code -} (so that it is a
     * plain property and environment-variable segment): {@code slack-alerts}, {@code slack-deployments}, {@code pagerduty},
     * {@code email}, {@code log}.
     */
    Map<String, ChannelPolicy> channels();

    /** Retries, timeouts, circuit breaker, batching. */
    Delivery delivery();

    /** Links put into messages. */
    Links links();

    /** The durable JetStream consumer of {@code AVALO_EVENTS}. */
    ConsumerSettings consumer();

    interface ConsumerSettings {
        /** Durable consumer name (replicas share it as a queue group). */
        @WithDefault("avalo-notifier")
        String durable();

        /** Where a newly created durable starts: {@code new} (default: no history replay) or {@code all}. */
        @WithDefault("new")
        String deliverPolicy();

        /** How long an event may stay unacknowledged before JetStream redelivers it. */
        @WithDefault("30s")
        Duration ackWait();

        /** Unacknowledged events in flight at most. */
        @WithDefault("10000")
        int maxAckPending();

        /** Events logged per transaction at most. */
        @WithDefault("500")
        int batch();
    }

    interface Slack {
        /** Slack channels by name ({@code deployments}, {@code alerts}): channel id {@code slack:<name>}. */
        @WithName("channels")
        Map<String, SlackChannel> channels();

        /** How long to wait after a 429 without {@code Retry-After}. */
        @WithDefault("30s")
        Duration defaultRetryAfter();
    }

    interface SlackChannel {
        /** The incoming-webhook URL (a secret: it is the credential). Unset: the channel is a no-op. */
        Optional<URI> webhookUrl();
    }

    interface PagerDuty {
        /** The Events API v2 integration (routing) key: a secret. Unset: the channel is a no-op. */
        Optional<String> routingKey();

        /** The Events API v2 enqueue endpoint. */
        @WithDefault("https://events.pagerduty.com/v2/enqueue")
        URI eventsUrl();

        /** Send {@code resolve} with the deployment's dedup key when a rollback completes (otherwise another trigger). */
        @WithDefault("true")
        boolean resolveOnRolledBack();

        /** {@code payload.source} of the events. */
        @WithDefault("avalo-deploy")
        String source();

        /** Webhook v3 signing secrets (comma separated to allow rotation). Unset: the webhook endpoint answers 503. */
        Optional<List<String>> webhookSecret();

        /**
         * Publish {@code avalo.evt.incident.*} for PagerDuty incidents that Avalo itself triggered (dedup key {@code avalo/…}).
         */
        @WithDefault("true")
        boolean freezeOnOwnIncidents();
    }

    interface Email {
        /** Recipients (comma separated). Unset: the channel is a no-op. */
        Optional<List<String>> to();

        /** The From address. */
        @WithDefault("avalo-deploy@localhost")
        String from();

        /** Subject prefix. */
        @WithDefault("[avalo]")
        String subjectPrefix();
    }

    interface LogChannel {
        /** Whether the {@code log} channel is on. */
        @WithDefault("true")
        boolean enabled();
    }

    interface Routing {
        /**
         * Severity of each event kind ({@code created}, {@code stage.passed}, {@code freeze.started}, {@code incident.opened}
         * …); {@code none} drops it. Unlisted kinds use the built-in defaults of the strategy document.
         */
        @WithName("severity")
        Map<String, String> severityOverrides();

        /** Channels for info notifications. */
        @WithDefault("slack:deployments,log")
        List<String> info();

        /** Channels for warnings. */
        @WithDefault("slack:alerts,log")
        List<String> warning();

        /** Channels for critical notifications. */
        @WithDefault("slack:alerts,pagerduty,email,log")
        List<String> critical();

        /** Channels that hear about a dead-lettered notification (never the channel that failed). */
        @WithDefault("slack:alerts,log")
        List<String> deadLetter();
    }

    interface ChannelPolicy {
        /** Least severity this channel is sent. */
        @WithDefault("info")
        String minSeverity();

        /** Rate limit as {@code <count>/<duration>}, e.g. {@code 20/1m}; {@code none} for no limit. */
        @WithDefault("none")
        String rateLimit();
    }

    interface Delivery {
        /** Sends in flight at once, over all channels. */
        @WithDefault("64")
        int concurrency();

        /** Sends in flight at once to one channel (so that one slow provider cannot take every sender). */
        @WithDefault("32")
        int perChannelConcurrency();

        /** Timeout of one attempt. */
        @WithDefault("10s")
        Duration timeout();

        /** In-call retries of a transient failure (SmallRye Fault Tolerance), before the delivery is rescheduled. */
        @WithDefault("2")
        int quickRetries();

        /** First in-call retry delay (doubled each time, with jitter). */
        @WithDefault("200ms")
        Duration quickRetryDelay();

        /** First durable retry delay after the quick retries failed; doubled per attempt with ±25 % jitter. */
        @WithDefault("5s")
        Duration retryDelay();

        /** Ceiling of the durable retry delay. */
        @WithDefault("5m")
        Duration maxRetryDelay();

        /** A transient failure older than this is dead-lettered. */
        @WithDefault("24h")
        Duration giveUpAfter();

        /** Failure ratio over the last {@code circuit-window} calls that opens a channel's circuit. */
        @WithDefault("0.5")
        double circuitFailureRatio();

        /** Calls the circuit breaker judges. */
        @WithDefault("20")
        int circuitWindow();

        /** How long an open circuit refuses calls before letting one through. */
        @WithDefault("30s")
        Duration circuitDelay();

        /** How long a claimed delivery may stay in flight before another worker takes it over (crash recovery). */
        @WithDefault("2m")
        Duration lease();

        /** Deliveries claimed ahead per channel (topped up when half are sent). */
        @WithDefault("256")
        int batch();

        /** Poll interval when idle (new events wake the dispatcher at once). */
        @WithDefault("500ms")
        Duration poll();
    }

    interface Links {
        /** Link to a deployment; {@code {id}}, {@code {service}} and {@code {environment}} are replaced. */
        @WithDefault("http://localhost:8080/api/v1/deployments/{id}")
        String deployment();

        /** Link for freeze events. */
        @WithDefault("http://localhost:8084/api/v1/freezes")
        String freezes();
    }
}
