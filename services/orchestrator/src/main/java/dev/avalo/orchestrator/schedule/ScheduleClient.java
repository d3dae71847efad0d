package dev.avalo.orchestrator.schedule;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import io.nats.client.Message;
import io.quarkus.logging.Log;

import dev.avalo.contracts.Json;
import dev.avalo.contracts.schedule.Emergency;
import dev.avalo.contracts.schedule.ScheduleCheckReply;
import dev.avalo.contracts.schedule.ScheduleCheckRequest;
import dev.avalo.contracts.schedule.ScheduleVerdict;
import dev.avalo.orchestrator.config.OrchestratorConfig;
import dev.avalo.orchestrator.nats.NatsClient;

/**
 * Asks the scheduler ({@code avalo.cmd.schedule.check}) whether a deployment may start or promote now. No answer within the
 * timeout blocks with reason "scheduler unavailable", except in the fail-open environments.
 */
@ApplicationScoped
public class ScheduleClient {

    public static final String UNAVAILABLE = "scheduler unavailable";

    private final NatsClient nats;
    private final OrchestratorConfig config;
    private final Clock clock;

    public ScheduleClient(NatsClient nats, OrchestratorConfig config, Clock clock) {
        this.nats = nats;
        this.config = config;
        this.clock = clock;
    }

    public ScheduleCheckReply check(String service, String environment, Emergency emergency) {
        if (!config.schedule().enabled()) {
            return new ScheduleCheckReply(true, ScheduleVerdict.ALLOWED, List.of("schedule checks disabled"), null,
                    null);
        }
        ScheduleCheckRequest request = new ScheduleCheckRequest(service, environment, clock.instant(), emergency);
        try {
            CompletableFuture<Message> future = nats.connection().request(nats.subjects().scheduleCheck(),
                    Json.encode(request));
            Message reply = future.get(config.schedule().timeout().toMillis(), TimeUnit.MILLISECONDS);
            if (reply.isStatusMessage()) {
                return unavailable(environment, "no responder (" + reply.getStatus().getMessage() + ")");
            }
            return Json.decode(reply.getData(), ScheduleCheckReply.class);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unavailable(environment, "interrupted");
        } catch (java.util.concurrent.CancellationException e) {
            return unavailable(environment, "no responders on " + nats.subjects().scheduleCheck());
        } catch (java.util.concurrent.TimeoutException e) {
            return unavailable(environment, "no answer within " + config.schedule().timeout());
        } catch (Exception e) {
            return unavailable(environment, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private ScheduleCheckReply unavailable(String environment, String why) {
        if (config.schedule().failOpenEnvironments().contains(environment)) {
            Log.warnf("scheduler unavailable (%s); %s is fail-open, allowing", why, environment);
            return new ScheduleCheckReply(true, ScheduleVerdict.ALLOWED, List.of(UNAVAILABLE + "; " + environment
                    + " is allowed without it"), null, null);
        }
        Log.warnf("scheduler unavailable (%s); blocking %s", why, environment);
        return new ScheduleCheckReply(false, ScheduleVerdict.BLOCKED, List.of(UNAVAILABLE), null, null);
    }
}
