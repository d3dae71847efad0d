package dev.avalo.health.nats;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.cloudevents.CloudEvent;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.Message;
import io.nats.client.NUID;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.quarkus.logging.Log;

import dev.avalo.contracts.CloudEvents;
import dev.avalo.contracts.DnsLabel;
import dev.avalo.contracts.Json;
import dev.avalo.contracts.Subjects;
import dev.avalo.contracts.deployment.DeploymentEventData;
import dev.avalo.contracts.metrics.CustomMetric;
import dev.avalo.contracts.metrics.RouterMetricsSample;
import dev.avalo.contracts.route.DesiredRoute;
import dev.avalo.health.config.NatsConfig;
import dev.avalo.health.source.MetricsSource;
import dev.avalo.health.source.custom.CustomMetrics;
import dev.avalo.health.source.router.RouterSamples;
import dev.avalo.health.verdict.HealthEngine;

/**
 * The scorer's NATS side: ensures stream {@code AVALO_EVENTS} and bucket {@code avalo-routes} exist (any service may start
 * first); consumes router samples ({@code avalo.metrics.*.*}), pushed metrics ({@code avalo.metrics.custom.*.*}), the desired
 * routes (KV watch) and the deployment events (an ordered consumer from the last event of each service, so a restarted scorer
 * knows the live canaries at once); publishes health reports on {@code avalo.evt.health.<service>.<env>}. Handlers only parse,
 * validate and hand over to the {@link HealthEngine}.
 */
@ApplicationScoped
public class HealthNats implements MetricsSource {

    private final NatsConfig config;
    private final Subjects subjects;
    private final HealthEngine engine;
    private final CustomMetrics customMetrics;
    private final Clock clock;
    private volatile Connection connection;
    private volatile JetStreamSubscription events;
    private volatile io.nats.client.impl.NatsKeyValueWatchSubscription routesWatch;
    private volatile Dispatcher deploymentsDispatcher;
    private volatile boolean subscribed;
    /** Set on every reconnect: the JetStream subscriptions are made again once JetStream answers. */
    private volatile boolean resubscribe;
    private int probeFailures;
    private final java.util.concurrent.ScheduledExecutorService watchdog = java.util.concurrent.Executors
            .newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "avalo-health-nats-watchdog");
                t.setDaemon(true);
                return t;
            });

    /** Consecutive failed JetStream probes after which a connection that says CONNECTED is made again. */
    static final int FORCE_RECONNECT_AFTER = 3;

    public HealthNats(NatsConfig config, HealthEngine engine, CustomMetrics customMetrics, Clock clock) {
        this.config = config;
        this.subjects = Subjects.withPrefix(config.subjectPrefix());
        this.engine = engine;
        this.customMetrics = customMetrics;
        this.clock = clock;
    }

    public Subjects subjects() {
        return subjects;
    }

    /** The connection, after {@link #start()}. */
    public Connection connection() {
        return connection;
    }

    /** Connects, ensures the stream and bucket and subscribes; called once at start. */
    public synchronized void start() {
        if (connection != null) {
            return;
        }
        try {
            Options.Builder options = new Options.Builder()
                    .server(config.url())
                    .connectionName("avalo-health-scorer")
                    .maxReconnects(-1)
                    .reconnectWait(Duration.ofMillis(500))
                    .connectionTimeout(Duration.ofSeconds(5))
                    .connectionListener((conn, type) -> {
                        Log.infof("NATS connection %s", type);
                        if (type == io.nats.client.ConnectionListener.Events.RECONNECTED) {
                            resubscribe = true;
                        }
                    })
                    .errorListener(new io.nats.client.ErrorListener() {
                    });
            config.credentials().ifPresent(path -> options.authHandler(Nats.credentials(path)));
            Connection c = Nats.connect(options.build());
            ensureStream(c);
            ensureBucket(c);
            Dispatcher metrics = c.createDispatcher();
            String prefix = subjects.prefix();
            metrics.subscribe(prefix + ".metrics.*.*", this::routerSample);
            metrics.subscribe(prefix + ".metrics.custom.*.*", this::customSample);
            subscribeJetStream(c);
            connection = c;
            subscribed = true;
            Log.infof("health-scorer listening on %s.metrics.*.*, %s.metrics.custom.*.*, %s, KV %s", prefix, prefix,
                    subjects.deploymentEvents(), config.routesBucket());
            watchdog.scheduleWithFixedDelay(this::probe, 5, 5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException("cannot set up NATS at " + config.url() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted connecting to NATS", e);
        }
    }

    /**
     * The routes watch and the ordered consumer of deployment events (from the last event of each service, so a restarted
     * scorer, or a re-made subscription, knows the live canaries at once). Replaces earlier ones.
     */
    private void subscribeJetStream(Connection c) throws IOException, JetStreamApiException, InterruptedException {
        unsubscribeJetStream(c);
        KeyValue routes = c.keyValue(config.routesBucket());
        routesWatch = routes.watchAll(new KeyValueWatcher() {
            @Override
            public void watch(KeyValueEntry entry) {
                route(entry);
            }

            @Override
            public void endOfData() {
                Log.debug("routes replayed");
            }
        });
        Dispatcher deployments = c.createDispatcher();
        PushSubscribeOptions ordered = PushSubscribeOptions.builder()
                .stream(config.eventsStream())
                .ordered(true)
                .configuration(ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.LastPerSubject).build())
                .build();
        events = c.jetStream().subscribe(subjects.deploymentEvents(), deployments, this::deploymentEvent, false, ordered);
        deploymentsDispatcher = deployments;
    }

    private void unsubscribeJetStream(Connection c) {
        try {
            if (routesWatch != null) {
                routesWatch.unsubscribe();
            }
            if (events != null && deploymentsDispatcher != null) {
                deploymentsDispatcher.unsubscribe(events);
            }
            if (deploymentsDispatcher != null) {
                c.closeDispatcher(deploymentsDispatcher);
            }
        } catch (RuntimeException e) {
            Log.debugf("dropping the old JetStream subscriptions: %s", e.getMessage());
        }
        routesWatch = null;
        events = null;
        deploymentsDispatcher = null;
    }

    /**
     * Every 5 s: does JetStream answer on this connection? After a nats-server restart the client can say CONNECTED while
     * JetStream never answers again (the orchestrator and the router saw it too; issue 7's NATS-restart scenario saw the scorer
     * miss every deployment started after the restart): after {@value #FORCE_RECONNECT_AFTER} failed probes the connection is
     * made again, and after any reconnect the routes watch and the ordered consumer are made again once JetStream answers, so
     * no deployment event or route is missed.
     */
    void probe() {
        Connection c = connection;
        if (c == null || c.getStatus() != Connection.Status.CONNECTED) {
            return;
        }
        try {
            c.jetStreamManagement(io.nats.client.JetStreamOptions.builder().requestTimeout(Duration.ofSeconds(2)).build())
                    .getStreamInfo(config.eventsStream());
            if (probeFailures > 0) {
                Log.infof("JetStream answers again after %d failed probes", probeFailures);
            }
            probeFailures = 0;
            if (resubscribe) {
                resubscribe = false;
                subscribeJetStream(c);
                Log.infof("JetStream subscriptions made again after a reconnect (routes %s, events %s)",
                        config.routesBucket(), subjects.deploymentEvents());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            probeFailures++;
            Log.warnf("JetStream probe %d failed: %s", probeFailures, e.getMessage());
            if (probeFailures % FORCE_RECONNECT_AFTER == 0) {
                Log.warnf("JetStream has not answered %d probes on a CONNECTED connection; forcing a reconnect",
                        probeFailures);
                resubscribe = true;
                try {
                    c.forceReconnect();
                } catch (IOException | RuntimeException ex) {
                    Log.warnf("forced NATS reconnect failed: %s", ex.getMessage());
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private void ensureStream(Connection c) throws IOException, JetStreamApiException {
        JetStreamManagement jsm = c.jetStreamManagement();
        StreamConfiguration wanted = StreamConfiguration.builder()
                .name(config.eventsStream())
                .subjects(subjects.eventStreamSubjects())
                .storageType(StorageType.File)
                .retentionPolicy(RetentionPolicy.Limits)
                .maxAge(config.eventsRetention())
                .duplicateWindow(Duration.ofMinutes(2))
                .build();
        try {
            StreamInfo info = jsm.getStreamInfo(config.eventsStream());
            if (!info.getConfiguration().getSubjects().containsAll(wanted.getSubjects())) {
                jsm.updateStream(wanted);
            }
        } catch (JetStreamApiException notFound) {
            if (notFound.getApiErrorCode() != 10059) {
                throw notFound;
            }
            try {
                jsm.addStream(wanted);
                Log.infof("created JetStream stream %s for %s", config.eventsStream(), wanted.getSubjects());
            } catch (JetStreamApiException raced) {
                jsm.getStreamInfo(config.eventsStream()); // another service created it meanwhile
            }
        }
    }

    private KeyValue ensureBucket(Connection c) throws IOException, JetStreamApiException {
        KeyValueManagement kvm = c.keyValueManagement();
        try {
            kvm.getStatus(config.routesBucket());
        } catch (JetStreamApiException notFound) {
            try {
                kvm.create(KeyValueConfiguration.builder().name(config.routesBucket()).maxHistoryPerKey(10)
                        .storageType(StorageType.File).build());
            } catch (JetStreamApiException raced) {
                kvm.getStatus(config.routesBucket());
            }
        }
        return c.keyValue(config.routesBucket());
    }

    private static String[] serviceAndEnvironment(String subject) {
        String[] tokens = subject.split("\\.");
        return new String[]{DnsLabel.require("service", tokens[tokens.length - 2]),
                DnsLabel.require("environment", tokens[tokens.length - 1])};
    }

    void routerSample(Message m) {
        try {
            String[] se = serviceAndEnvironment(m.getSubject());
            RouterMetricsSample sample = Json.decode(m.getData(), RouterMetricsSample.class);
            if (!se[0].equals(sample.service()) || !se[1].equals(sample.environment())) {
                throw new IllegalArgumentException("sample for " + sample.service() + "/" + sample.environment()
                        + " on the wrong subject");
            }
            engine.addRouter(RouterSamples.validate(sample));
        } catch (RuntimeException e) {
            Log.warnf("router sample on %s refused: %s", m.getSubject(), e.getMessage());
        }
    }

    void customSample(Message m) {
        try {
            String[] se = serviceAndEnvironment(m.getSubject());
            CustomMetric metric = Json.decode(m.getData(), CustomMetric.class);
            engine.addCustom(se[0], se[1], customMetrics.validate(metric, "", clock.instant()));
        } catch (RuntimeException e) {
            Log.warnf("custom metric on %s refused: %s", m.getSubject(), e.getMessage());
        }
    }

    void route(KeyValueEntry entry) {
        if (entry.getOperation() != KeyValueOperation.PUT || entry.getValue() == null) {
            return;
        }
        try {
            DesiredRoute route = Json.decode(entry.getValue(), DesiredRoute.class);
            DnsLabel.require("service", route.service());
            DnsLabel.require("environment", route.environment());
            engine.onRoute(route, clock.instant());
        } catch (RuntimeException e) {
            Log.warnf("route %s refused: %s", entry.getKey(), e.getMessage());
        }
    }

    void deploymentEvent(Message m) {
        try {
            CloudEvent event = CloudEvents.decode(m.getData());
            if (!event.getType().startsWith("avalo.deployment.")) {
                return;
            }
            DeploymentEventData data = CloudEvents.data(event, DeploymentEventData.class);
            if (data.deployment() == null) {
                return;
            }
            DnsLabel.require("service", data.deployment().service());
            DnsLabel.require("environment", data.deployment().environment());
            engine.onDeployment(data.deployment());
        } catch (RuntimeException e) {
            Log.warnf("deployment event on %s refused: %s", m.getSubject(), e.getMessage());
        }
    }

    /**
     * Publishes a report, {@code json} (a {@code HealthReport}, encoded), on {@code avalo.evt.health.<service>.<env>} (core
     * NATS), with a unique message id header.
     */
    public void publish(String service, String environment, byte[] json) {
        Connection c = connection;
        if (c == null) {
            return;
        }
        io.nats.client.impl.Headers headers = new io.nats.client.impl.Headers();
        headers.add("Nats-Msg-Id", NUID.nextGlobal());
        c.publish(subjects.health(service, environment), headers, json);
    }

    @Override
    public String type() {
        return "router";
    }

    @Override
    public boolean online() {
        Connection c = connection;
        return subscribed && c != null && c.getStatus() == Connection.Status.CONNECTED;
    }

    @PreDestroy
    void close() {
        watchdog.shutdownNow();
        Connection c = connection;
        if (c != null) {
            try {
                if (events != null) {
                    events.unsubscribe();
                }
                c.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                Log.debugf("closing NATS: %s", e.getMessage());
            }
        }
    }
}
