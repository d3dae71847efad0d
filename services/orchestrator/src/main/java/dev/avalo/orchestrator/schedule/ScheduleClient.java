package dev.avalo.orchestrator.schedule;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import io.nats.client.Message;
import io.quarkus.logging.Log;

import dev.avalo.contracts.Json;
import dev.avalo.contracts.problem.Problem;
import dev.avalo.contracts.schedule.Emergency;
import dev.avalo.contracts.schedule.ScheduleCheckReply;
import dev.avalo.contracts.schedule.ScheduleCheckRequest;
import dev.avalo.contracts.schedule.ScheduleVerdict;
import dev.avalo.orchestrator.config.OrchestratorConfig;
import dev.avalo.orchestrator.nats.NatsClient;

/**
 * Asks the scheduler ({@code avalo.cmd.schedule.check}) whether a deployment may start or promote now. No answer within the
 * timeout blocks with reason "scheduler unavailable", except in the fail-open environments. A problem the scheduler answers (it
 * heard the question and refused it) blocks everywhere, with its detail as the reason.
 */
@ApplicationScoped
public class ScheduleClient {

    public static final String UNAVAILABLE = "scheduler unavailable";
    /** Reply header of the scheduler carrying the HTTP-equivalent status of a problem reply. */
    public static final String STATUS_HEADER = "Avalo-Status";

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
            Problem problem = problemOf(reply);
            if (problem != null) {
                // the scheduler answered and refused the question: never fail-open on that
                String why = "the scheduler refused the check (" + problem.status() + " " + problem.title() + "): "
                        + problem.detail();
                Log.warnf("%s; blocking %s/%s", why, service, environment);
                return new ScheduleCheckReply(false, ScheduleVerdict.BLOCKED, List.of(why), null, null);
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

    /**
     * The RFC 9457 problem the scheduler answered instead of a verdict (bad input, an environment it does not know, a missing
     * role for an emergency), recognised by its {@code Avalo-Status} header or its content type; null for a verdict.
     */
    static Problem problemOf(Message reply) {
        io.nats.client.impl.Headers headers = reply.getHeaders();
        String status = headers == null ? null : headers.getFirst(STATUS_HEADER);
        String type = headers == null ? null : headers.getFirst("Content-Type");
        boolean refused = status != null && status.trim().matches("[45]\\d\\d");
        if (!refused && !Problem.MEDIA_TYPE.equals(type)) {
            return null;
        }
        try {
            return Json.decode(reply.getData(), Problem.class);
        } catch (RuntimeException e) {
            return new Problem(null, "Unreadable problem", refused ? Integer.parseInt(status.trim()) : 500,
                    "the scheduler answered status " + status + " with a body that is not a problem", null, null, null,
                    null);
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
