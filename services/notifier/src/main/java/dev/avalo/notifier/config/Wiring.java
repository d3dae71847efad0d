package dev.avalo.notifier.config;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.quarkus.mailer.Mailer;

import dev.avalo.notifier.channel.NotificationChannel;
import dev.avalo.notifier.channel.email.EmailChannel;
import dev.avalo.notifier.channel.log.LogChannel;
import dev.avalo.notifier.channel.pagerduty.PagerDutyChannel;
import dev.avalo.notifier.channel.slack.SlackChannel;
import dev.avalo.notifier.db.Jdbc;
import dev.avalo.notifier.delivery.DeliveryStore;
import dev.avalo.notifier.delivery.Dispatcher;
import dev.avalo.notifier.notification.EventInterpreter;
import dev.avalo.notifier.notification.Severity;
import dev.avalo.notifier.routing.RateLimit;
import dev.avalo.notifier.routing.Router;

/**
 * Builds the plain domain objects from {@link NotifierConfig}: every channel (an unconfigured one is a no-op that says so once
 * here), the router, the rate limits, the delivery store and the dispatcher. A routing entry naming an unknown channel fails
 * the start (argo-rollouts' rule: never a silent fallback).
 */
@ApplicationScoped
public class Wiring {

    /** The channel ids this notifier knows ({@code all}, configured or not) and those {@code configured}. */
    public record Channels(Map<String, NotificationChannel> all, Map<String, NotificationChannel> configured) {

        static Channels of(Map<String, NotificationChannel> all) {
            Map<String, NotificationChannel> configured = new LinkedHashMap<>();
            all.forEach((id, c) -> {
                if (c.configured()) {
                    configured.put(id, c);
                }
            });
            return new Channels(java.util.Collections.unmodifiableMap(all),
                    java.util.Collections.unmodifiableMap(configured));
        }
    }

    @Produces
    @Singleton
    Channels channels(NotifierConfig config, Mailer mailer) {
        // HTTP/1.1: the JDK client fails a request with "too many concurrent streams" instead of queueing it once an HTTP/2
        // connection reaches the server's stream limit (measured with bench/notifier at 128 sends in flight)
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        Duration timeout = config.delivery().timeout();
        Map<String, NotificationChannel> all = new LinkedHashMap<>();
        Map<String, NotifierConfig.SlackChannel> slack = new LinkedHashMap<>(config.slack().channels());
        for (String name : List.of("deployments", "alerts")) {
            slack.putIfAbsent(name, java.util.Optional::empty);
        }
        slack.forEach((name, c) -> all.put("slack:" + name, new SlackChannel(name, c.webhookUrl().orElse(null), http,
                timeout, config.slack().defaultRetryAfter())));
        all.put("pagerduty", new PagerDutyChannel(config.pagerduty().routingKey().orElse(null),
                config.pagerduty().eventsUrl(), config.pagerduty().source(), config.pagerduty().resolveOnRolledBack(), http,
                timeout, config.slack().defaultRetryAfter()));
        all.put("email", new EmailChannel(mailer, config.email().to().orElse(List.of()), config.email().from(),
                config.email().subjectPrefix()));
        all.put("log", new LogChannel(config.log().enabled()));
        all.values().forEach(c -> {
            if (!c.configured()) {
                Log.infof("channel %s is not configured: notifications for it are not sent", c.id());
            }
        });
        return Channels.of(all);
    }

    @Produces
    @Singleton
    Router router(NotifierConfig config, Channels channels) {
        Map<Severity, List<String>> bySeverity = new EnumMap<>(Severity.class);
        bySeverity.put(Severity.INFO, config.routing().info());
        bySeverity.put(Severity.WARNING, config.routing().warning());
        bySeverity.put(Severity.CRITICAL, config.routing().critical());
        Map<String, Severity> minimums = new HashMap<>();
        config.channels().forEach((key, p) -> minimums.put(channelId(key, channels), Severity.parse(p.minSeverity())));
        Router router = new Router(config.routing().severityOverrides(), bySeverity, minimums,
                config.routing().deadLetter());
        List<String> unknown = new ArrayList<>();
        for (String id : router.mentionedChannels()) {
            if (!channels.all().containsKey(id)) {
                unknown.add(id);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalStateException("avalo.notifier routing names unknown channels " + unknown + "; known: "
                    + channels.all().keySet());
        }
        return router;
    }

    /** The channel id of a key of {@code avalo.notifier.channels}: {@code slack-alerts} → {@code slack:alerts}. */
    static String channelId(String key, Channels channels) {
        if (channels.all().containsKey(key)) {
            return key;
        }
        if (key.startsWith("slack-") && channels.all().containsKey("slack:" + key.substring(6))) {
            return "slack:" + key.substring(6);
        }
        throw new IllegalStateException("avalo.notifier.channels." + key + " names no channel; known: "
                + channels.all().keySet().stream().map(id -> id.replace(':', '-')).toList());
    }

    @Produces
    @Singleton
    EventInterpreter interpreter(NotifierConfig config) {
        return new EventInterpreter(config.links().deployment(), config.links().freezes());
    }

    @Produces
    @Singleton
    DeliveryStore store(Jdbc jdbc) {
        return new DeliveryStore(jdbc);
    }

    @Produces
    @Singleton
    Dispatcher dispatcher(NotifierConfig config, DeliveryStore store, Channels channels, Router router, Clock clock,
            MeterRegistry registry) {
        Map<String, RateLimit> limits = new HashMap<>();
        config.channels().forEach((key, p) -> {
            RateLimit limit = RateLimit.parse(p.rateLimit());
            if (limit != null) {
                limits.put(channelId(key, channels), limit);
            }
        });
        NotifierConfig.Delivery d = config.delivery();
        Dispatcher.Settings settings = new Dispatcher.Settings(d.concurrency(), d.perChannelConcurrency(), d.timeout(),
                d.quickRetries(),
                d.quickRetryDelay(), d.retryDelay(), d.maxRetryDelay(), d.giveUpAfter(), d.circuitFailureRatio(),
                d.circuitWindow(), d.circuitDelay(), d.lease(), d.batch(), d.poll());
        Map<String, Timer> delays = new java.util.concurrent.ConcurrentHashMap<>();
        return new Dispatcher(store, channels.configured(), limits, router, settings, clock, (channel, outcome, since) -> {
            registry.counter("avalo_notifier_sends_total", "channel", channel, "outcome", outcome).increment();
            if ("delivered".equals(outcome)) {
                delays.computeIfAbsent(channel, c -> Timer.builder("avalo_notifier_delivery_delay")
                        .description("time from an event being logged to its delivery on a channel")
                        .tag("channel", c).publishPercentiles(0.5, 0.99).register(registry))
                        .record(since.isNegative() ? Duration.ZERO : since);
            }
        });
    }
}
