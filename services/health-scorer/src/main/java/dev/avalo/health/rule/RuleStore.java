package dev.avalo.health.rule;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.api.StorageType;
import io.quarkus.logging.Log;

import dev.avalo.contracts.Json;
import dev.avalo.health.config.HealthConfig;

/**
 * Keeps rule overrides in the JetStream KV bucket {@code avalo-health-rules} (key {@code <service>.<env>}, value the override
 * list), so they survive restarts and every replica applies the same: a watch feeds each change into the {@link RuleRegistry}.
 * Stored sets are validated again when read; an invalid one is logged and ignored.
 */
@ApplicationScoped
@io.quarkus.runtime.annotations.RegisterForReflection(targets = RuleOverride.class)
public class RuleStore {

    private final HealthConfig config;
    private final RuleRegistry registry;
    private volatile KeyValue bucket;

    public RuleStore(HealthConfig config, RuleRegistry registry) {
        this.config = config;
        this.registry = registry;
    }

    /** Ensures the bucket and starts watching it (replaying what is stored). */
    public void start(Connection connection) {
        try {
            KeyValueManagement kvm = connection.keyValueManagement();
            try {
                kvm.getStatus(config.rulesBucket());
            } catch (JetStreamApiException notFound) {
                try {
                    kvm.create(KeyValueConfiguration.builder().name(config.rulesBucket()).maxHistoryPerKey(5)
                            .storageType(StorageType.File).build());
                } catch (JetStreamApiException raced) {
                    kvm.getStatus(config.rulesBucket());
                }
            }
            KeyValue kv = connection.keyValue(config.rulesBucket());
            kv.watchAll(new KeyValueWatcher() {
                @Override
                public void watch(KeyValueEntry entry) {
                    apply(entry);
                }

                @Override
                public void endOfData() {
                    Log.debugf("rule overrides replayed from %s", config.rulesBucket());
                }
            });
            bucket = kv;
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException("cannot set up the rules bucket " + config.rulesBucket() + ": "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted setting up the rules bucket", e);
        }
    }

    private void apply(KeyValueEntry entry) {
        String[] key = entry.getKey().split("\\.", 2);
        if (key.length != 2) {
            return;
        }
        try {
            if (entry.getOperation() != KeyValueOperation.PUT || entry.getValue() == null) {
                registry.replace(key[0], key[1], List.of());
            } else {
                registry.replace(key[0], key[1],
                        Arrays.asList(Json.decode(entry.getValue(), RuleOverride[].class)));
            }
        } catch (RuntimeException e) {
            Log.warnf("stored rules for %s ignored: %s", entry.getKey(), e.getMessage());
        }
    }

    /**
     * Validates and stores a service's overrides; every replica (this one included) applies them through the watch, and this
     * one also at once.
     */
    public List<RuleDefinition> save(String service, String environment, List<RuleOverride> rules) {
        List<RuleDefinition> effective = registry.replace(service, environment, rules);
        KeyValue kv = bucket;
        if (kv == null) {
            throw new IllegalStateException("rules bucket not ready");
        }
        try {
            if (rules.isEmpty()) {
                kv.delete(service + "." + environment);
            } else {
                kv.put(service + "." + environment, Json.encode(rules));
            }
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException("cannot store the rules of " + service + "/" + environment + ": "
                    + e.getMessage(), e);
        }
        return effective;
    }
}
