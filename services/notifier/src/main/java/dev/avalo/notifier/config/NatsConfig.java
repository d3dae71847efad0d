package dev.avalo.notifier.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** NATS settings shared by every Avalo service ({@code avalo.nats.*}). */
@ConfigMapping(prefix = "avalo.nats")
public interface NatsConfig {

    /** Server URL(s), comma separated. */
    @WithDefault("nats://127.0.0.1:4222")
    String url();

    /** Credentials file (from a secret); none for a local server. */
    Optional<String> credentials();

    /** Subject prefix; {@code avalo} in every real deployment, unique per test run. */
    @WithDefault("avalo")
    String subjectPrefix();

    /** The JetStream stream holding deployment, schedule and incident events. */
    @WithDefault("AVALO_EVENTS")
    String eventsStream();

    /** How long the events stream keeps events. */
    @WithDefault("30d")
    Duration eventsRetention();

    /** The KV bucket of desired routes: shared by every service's NATS settings, unused by the notifier. */
    @WithDefault("avalo-routes")
    String routesBucket();
}
