package dev.avalo.orchestrator.schedule;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
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
 * timeout blocks with a reason starting "scheduler unavailable" and saying why, except in the fail-open environments. A problem
 * the scheduler answers (it heard the question and refused it) blocks everywhere, with its detail as the reason.
 * <p>
 * "No responders" (NATS knows no subscriber on the subject: a scheduler restarting, or reconnecting after a nats-server
 * restart) is asked again every {@value #RETRY_PAUSE_MILLIS} ms within the same timeout: the question never reached a
 * scheduler, so asking again cannot record an emergency override twice. A question that reached one and got no answer is not
 * asked again. Meters: {@code avalo_schedule_checks_total{environment,outcome}} (allowed, blocked, refused, unavailable) and
 * {@code avalo_schedule_check_retries_total}.
 */
@ApplicationScoped
public class ScheduleClient {

    public static final String UNAVAILABLE = "scheduler unavailable";
    /** Reply header of the scheduler carrying the HTTP-equivalent status of a problem reply. */
    public static final String STATUS_HEADER = "Avalo-Status";
    /** Pause before asking again after "no responders". */
    static final long RETRY_PAUSE_MILLIS = 100;

    private final NatsClient nats;
    private final OrchestratorConfig config;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Counter retries;

    public ScheduleClient(NatsClient nats, OrchestratorConfig config, Clock clock, MeterRegistry registry) {
        this.nats = nats;
        this.config = config;
        this.clock = clock;
        this.registry = registry;
        this.retries = Counter.builder("avalo.schedule.check.retries")
                .description("schedule checks asked again after NATS knew no scheduler on the subject").register(registry);
    }

    public ScheduleCheckReply check(String service, String environment, Emergency emergency) {
        if (!config.schedule().enabled()) {
            return new ScheduleCheckReply(true, ScheduleVerdict.ALLOWED, List.of("schedule checks disabled"), null,
                    null);
        }
        ScheduleCheckRequest request = new ScheduleCheckRequest(service, environment, clock.instant(), emergency);
        byte[] body = Json.encode(request);
        Duration timeout = config.schedule().timeout();
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        String subject = nats.subjects().scheduleCheck();
        for (int attempt = 1;; attempt++) {
            try {
                CompletableFuture<Message> future = nats.connection().request(subject, body);
                Message reply = future.get(Math.max(deadline - System.nanoTime(), 1), TimeUnit.NANOSECONDS);
                if (!reply.isStatusMessage()) {
                    return answered(service, environment, reply);
                }
                if (reply.getStatus().getCode() != 503) {
                    return unavailable(environment, "NATS answered status " + reply.getStatus().getCode() + " "
                            + reply.getStatus().getMessage());
                }
                // 503: no responders, as below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return unavailable(environment, "interrupted");
            } catch (CancellationException e) { // how jnats ends a request that had no responders
                // asked again below
            } catch (TimeoutException e) {
                return unavailable(environment, "no answer within " + millis(timeout));
            } catch (Exception e) {
                return unavailable(environment, e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            // ask again only if that question still has a pause's time to be answered in
            long left = deadline - System.nanoTime();
            if (left <= TimeUnit.MILLISECONDS.toNanos(2 * RETRY_PAUSE_MILLIS)) {
                return unavailable(environment,
                        "no scheduler listening on " + subject + " (asked " + attempt + (attempt == 1 ? " time" : " times")
                                + " in " + millis(Duration.ofNanos(System.nanoTime() - started)) + ")");
            }
            retries.increment();
            try {
                Thread.sleep(RETRY_PAUSE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return unavailable(environment, "interrupted");
            }
        }
    }

    private ScheduleCheckReply answered(String service, String environment, Message reply) {
        Problem problem = problemOf(reply);
        if (problem != null) {
            // the scheduler answered and refused the question: never fail-open on that
            String why = "the scheduler refused the check (" + problem.status() + " " + problem.title() + "): "
                    + problem.detail();
            Log.warnf("%s; blocking %s/%s", why, service, environment);
            count(environment, "refused");
            return new ScheduleCheckReply(false, ScheduleVerdict.BLOCKED, List.of(why), null, null);
        }
        ScheduleCheckReply decoded = Json.decode(reply.getData(), ScheduleCheckReply.class);
        count(environment, decoded.allowed() ? "allowed" : "blocked");
        return decoded;
    }

    private void count(String environment, String outcome) {
        registry.counter("avalo.schedule.checks", "environment", environment, "outcome", outcome).increment();
    }

    private static String millis(Duration d) {
        return d.toMillis() + " ms";
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
        count(environment, "unavailable");
        if (config.schedule().failOpenEnvironments().contains(environment)) {
            Log.warnf("%s (%s); %s is fail-open, allowing", UNAVAILABLE, why, environment);
            return new ScheduleCheckReply(true, ScheduleVerdict.ALLOWED, List.of(UNAVAILABLE + " (" + why + "); "
                    + environment + " is allowed without it"), null, null);
        }
        Log.warnf("%s (%s); blocking %s", UNAVAILABLE, why, environment);
        return new ScheduleCheckReply(false, ScheduleVerdict.BLOCKED, List.of(UNAVAILABLE + " (" + why + ")"), null, null);
    }
}
