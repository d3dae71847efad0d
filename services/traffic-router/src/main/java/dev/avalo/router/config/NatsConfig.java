package dev.avalo.router.config;

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

    /** The KV bucket of desired routes. */
    @WithDefault("avalo-routes")
    String routesBucket();

    /** Unused by the router; present so shared test resources can set it. */
    Optional<String> eventsStream();
}
