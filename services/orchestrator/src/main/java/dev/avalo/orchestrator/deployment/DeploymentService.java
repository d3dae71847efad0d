package dev.avalo.orchestrator.deployment;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;

import dev.avalo.contracts.CloudEvents;
import dev.avalo.contracts.Json;
import dev.avalo.contracts.Subjects;
import dev.avalo.contracts.deployment.Cause;
import dev.avalo.contracts.deployment.DeploymentEventData;
import dev.avalo.contracts.deployment.DeploymentEventType;
import dev.avalo.contracts.deployment.DeploymentView;
import dev.avalo.contracts.deployment.EmergencyStopReply;
import dev.avalo.contracts.deployment.RevisionView;
import dev.avalo.contracts.health.HealthReport;
import dev.avalo.contracts.route.DesiredRoute;
import dev.avalo.contracts.route.RouterApplied;
import dev.avalo.contracts.schedule.ScheduleCheckReply;
import dev.avalo.orchestrator.checklist.Checklist;
import dev.avalo.orchestrator.config.NatsConfig;
import dev.avalo.orchestrator.db.Jdbc;
import dev.avalo.orchestrator.deployment.Transition.RouteIntent;
import dev.avalo.orchestrator.outbox.OutboxPublisher;
import dev.avalo.orchestrator.outbox.OutboxStore;
import dev.avalo.orchestrator.problem.ApiException;
import dev.avalo.orchestrator.routing.RouteBuilder;
import dev.avalo.orchestrator.routing.RouterAckStore;
import dev.avalo.orchestrator.schedule.ScheduleClient;
import dev.avalo.orchestrator.security.Caller;
import dev.avalo.orchestrator.service.ServiceRecord;
import dev.avalo.orchestrator.service.ServiceStore;

/**
 * Applies lifecycle transitions: each one is a single database transaction that updates the deployment row (optimistic
 * version), the service's desired route (a growing generation) and the outbox (events and route), so no transition is lost or
 * half-done. The scheduler is asked outside the transaction, before a promotion commits.
 */
@ApplicationScoped
public class DeploymentService {

    static final URI SOURCE = URI.create("/avalo/orchestrator");
    private static final int MAX_ATTEMPTS = 8;

    private final DeploymentStore deployments;
    private final ServiceStore services;
    private final OutboxStore outbox;
    private final OutboxPublisher publisher;
    private final Decider decider;
    private final ScheduleClient schedule;
    private final Clock clock;
    private final Subjects subjects;
    private final MeterRegistry registry;
    private final RouterAckStore routerAcks;
    private final Jdbc jdbc;

    public DeploymentService(DeploymentStore deployments, ServiceStore services, OutboxStore outbox,
            OutboxPublisher publisher, Decider decider, ScheduleClient schedule, Clock clock, NatsConfig nats,
            MeterRegistry registry, RouterAckStore routerAcks, Jdbc jdbc) {
        this.routerAcks = routerAcks;
        this.jdbc = jdbc;
        this.deployments = deployments;
        this.services = services;
        this.outbox = outbox;
        this.publisher = publisher;
        this.decider = decider;
        this.schedule = schedule;
        this.clock = clock;
        this.subjects = Subjects.withPrefix(nats.subjectPrefix());
        this.registry = registry;
    }

    public Clock clock() {
        return clock;
    }

    // ---- reads ------------------------------------------------------------------------------------------------

    public DeploymentRecord get(UUID id) {
        return deployments.find(id).orElseThrow(() -> ApiException.notFound("id", "no deployment " + id));
    }

    // ---- start --------------------------------------------------------------------------------------------------

    /**
     * Inserts a checked, PENDING deployment and starts it in one transaction. The caller validated the request and asked the
     * scheduler.
     */
    public DeploymentRecord create(DeploymentRecord pending, Optional<IdempotencyKey> key) {
        DeploymentRecord created = inTransaction(() -> {
            Instant now = pending.createdAt();
            ServiceRecord service = services.lock(pending.state().service(), pending.state().environment())
                    .orElseThrow(() -> ApiException.notFound("service", "service " + pending.state().service()
                            + " is not registered in " + pending.state().environment()));
            if (deployments.live(service.name(), service.environment()).isPresent()) {
                throw ApiException.conflict("a deployment of " + service.name() + " in " + service.environment()
                        + " is already live");
            }
            try {
                deployments.insert(pending);
            } catch (Jdbc.DataAccessException e) {
                if (e.isUniqueViolation()) {
                    throw ApiException.conflict("a deployment of " + service.name() + " in " + service.environment()
                            + " is already live");
                }
                throw e;
            }
            key.ifPresent(k -> k.store().save(k, pending.state().id(), now));
            services.upsertRevision(service.name(), service.environment(), pending.state().toRevision(),
                    pending.toUpstreams(), "canary", pending.state().id(), now);
            Signal.Start start = new Signal.Start(pending.createdBy(), pending.emergency());
            return commitLocked(pending, decider.decide(pending.state(), start, now), start, now);
        });
        publisher.nudge();
        return created;
    }

    // ---- signals ------------------------------------------------------------------------------------------------

    /**
     * Decides and applies {@code signal}; retried when another writer changed the row in between. Promotions in a checked
     * environment ask the scheduler first; a block pauses the deployment at the stage boundary.
     */
    public DeploymentRecord apply(UUID id, Signal signal) {
        for (int attempt = 1;; attempt++) {
            DeploymentRecord current = get(id);
            Instant now = clock.instant();
            Transition t = decider.decide(current.state(), signal, now);
            if (t.needsScheduleCheck()) {
                ScheduleCheckReply reply = schedule.check(current.state().service(), current.state().environment(),
                        current.emergency());
                if (!reply.allowed()) {
                    t = decider.decide(current.state(), new Signal.ScheduleBlocked(signal.actor(), reply.reasons()),
                            now);
                }
            }
            // health reports and router acks are recorded (last report, checklist) even when the phase stays
            if (t.isNoop(current.state()) && !(signal instanceof Signal.Health)
                    && !(signal instanceof Signal.RouterAck && !routingVerified(current))) {
                return current;
            }
            Transition decided = t;
            Optional<DeploymentRecord> done = inTransaction(() -> {
                DeploymentRecord locked = deployments.lock(id).orElseThrow();
                if (locked.version() != current.version()) {
                    return Optional.empty();
                }
                return Optional.of(commitLocked(locked, decided, signal, now));
            });
            if (done.isPresent()) {
                publisher.nudge();
                return done.get();
            }
            if (attempt >= MAX_ATTEMPTS) {
                throw ApiException.conflict("deployment " + id + " kept changing; try again");
            }
        }
    }

    /** A health report for the live deployment of its service, if any. */
    public void onHealth(HealthReport report) {
        deployments.live(report.service(), report.environment())
                .ifPresent(d -> apply(d.state().id(), new Signal.Health(report)));
    }

    /** A router's ack: recorded, ticks "verify canary routing", may finish a rollback. */
    public void onRouterAck(String service, String environment, RouterApplied ack) {
        Instant now = clock.instant();
        inTransaction(() -> {
            routerAcks.record(service, environment, ack, now);
            return null;
        });
        deployments.live(service, environment)
                .ifPresent(d -> apply(d.state().id(), new Signal.RouterAck(ack.routerId(), ack.generation())));
    }

    /**
     * Sweeps due deadlines: rows are locked with {@code SKIP LOCKED}, so replicas share the work and none doubles a transition.
     * Promotions that need the scheduler are applied one by one after the batch commits.
     *
     * @return how many deployments were looked at
     */
    public int sweep(int limit) {
        Instant now = clock.instant();
        List<UUID> needSchedule = new ArrayList<>();
        int n = inTransaction(() -> jdbc.batched(() -> {
            List<DeploymentRecord> due = deployments.lockDue(now, limit);
            for (DeploymentRecord d : due) {
                try {
                    Transition t = decider.decide(d.state(), new Signal.Tick(), now);
                    if (t.needsScheduleCheck()) {
                        needSchedule.add(d.state().id());
                        continue;
                    }
                    commitLocked(d, t, new Signal.Tick(), now);
                } catch (RuntimeException e) {
                    if (e instanceof Jdbc.DataAccessException) {
                        throw e;
                    }
                    Log.errorf(e, "sweep of deployment %s failed", d.state().id());
                }
            }
            return due.size();
        }));
        for (UUID id : needSchedule) {
            try {
                apply(id, new Signal.Tick());
            } catch (RuntimeException e) {
                Log.errorf(e, "scheduled promotion of deployment %s failed", id);
            }
        }
        if (n > 0) {
            publisher.nudge();
        }
        return n;
    }

    /** Deployments an emergency stop reverts per transaction. */
    private static final int EMERGENCY_CHUNK = 200;

    /**
     * Halts and reverts every live deployment. Each deployment's transition is atomic as always; they are committed in chunks,
     * and the outbox publisher starts moving routes to KV after the first chunk instead of after the last.
     */
    public EmergencyStopReply emergencyStop(String reason, Caller caller) {
        Instant now = clock.instant();
        long started = System.nanoTime();
        Signal signal = new Signal.EmergencyStop(caller.name(), reason);
        List<DeploymentView> stopped = new ArrayList<>();
        while (true) {
            List<DeploymentView> chunk = inTransaction(() -> jdbc.batched(() -> {
                List<DeploymentView> views = new ArrayList<>();
                List<DeploymentRecord> live = deployments.lockRevertible(EMERGENCY_CHUNK);
                Map<String, ServiceRecord> locked = services.lockAll(live.stream()
                        .map(d -> new String[]{d.state().service(), d.state().environment()}).toList());
                for (DeploymentRecord d : live) {
                    Transition t = decider.decide(d.state(), signal, now);
                    views.add(Views.deployment(commitLocked(d, t, signal, now, locked)));
                }
                return views;
            }));
            if (chunk.isEmpty()) {
                break;
            }
            stopped.addAll(chunk);
            publisher.nudge();
        }
        Log.warnf("emergency stop by %s (%s): %d deployments reverted in %d ms", caller.name(), reason,
                stopped.size(), (System.nanoTime() - started) / 1_000_000);
        return new EmergencyStopReply(reason, stopped);
    }

    /** Ticks a during/post checklist item by hand. */
    public DeploymentRecord tickChecklist(UUID id, String item, String evidence, Caller caller) {
        if (!Checklist.isKnown(item)) {
            throw ApiException.notFound("item", "unknown checklist item '" + item + "'");
        }
        return inTransaction(() -> {
            DeploymentRecord d = deployments.lock(id).orElseThrow(() -> ApiException.notFound("id",
                    "no deployment " + id));
            DeploymentRecord ticked = d.withChecklist(Checklist.tick(d.checklist(), item, caller.name(), evidence,
                    clock.instant()));
            deployments.update(ticked.with(ticked.state(), ticked.deadline(), clock.instant()));
            return deployments.find(id).orElseThrow();
        });
    }

    // ---- the one place a transition is written ------------------------------------------------------------------

    private DeploymentRecord commitLocked(DeploymentRecord before, Transition t, Signal signal, Instant now) {
        return commitLocked(before, t, signal, now, null);
    }

    /**
     * Writes one decided transition. {@code lockedServices} (service.environment → row), when given, holds service rows the
     * caller already locked in bulk; generations taken here are recorded in it.
     */
    private DeploymentRecord commitLocked(DeploymentRecord before, Transition t, Signal signal, Instant now,
            Map<String, ServiceRecord> lockedServices) {
        DeploymentState next = t.next();
        DeploymentRecord record = before;
        if (signal instanceof Signal.Health health && isAbout(health.report(), before.state())) {
            record = record.withLastReport(health.report());
        }
        if (t.route() != null) {
            String key = Subjects.routeKey(next.service(), next.environment());
            ServiceRecord service = lockedServices != null && lockedServices.containsKey(key)
                    ? lockedServices.get(key)
                    : services.lock(next.service(), next.environment()).orElseThrow();
            long generation = service.routeGeneration() + 1;
            List<String> revisionUpstreams = null;
            if (t.route() instanceof RouteIntent.Revision r) {
                RevisionView rv = services.revision(next.service(), next.environment(), r.revision())
                        .orElseThrow(() -> ApiException.notFound("revision", "no revision " + r.revision()
                                + " in the history of " + before.state().service()));
                revisionUpstreams = rv.upstreams();
                record = record.withRollback(r.revision(), record.rollbackMillis());
            }
            DesiredRoute route = RouteBuilder.build(record, t.route(), generation, revisionUpstreams,
                    routeReason(next, t));
            services.updateRoute(next.service(), next.environment(), route, now);
            if (lockedServices != null) {
                lockedServices.put(key, new ServiceRecord(service.name(), service.environment(),
                        service.stableRevision(), service.upstreams(), generation, route, service.createdBy(),
                        service.createdAt(), now));
            }
            outbox.add(OutboxStore.Kind.ROUTE, Subjects.routeKey(next.service(), next.environment()),
                    next.service() + "." + next.environment() + "." + generation, Json.encode(route), generation, now);
            if (next.phase() == DeploymentPhase.ROLLING_BACK || next.phase() == DeploymentPhase.ABORTED) {
                next = next.withRollbackGeneration(generation);
            }
        }
        Map<String, DeploymentRecord.ChecklistEntry> checklist = record.checklist();
        switch (t.sideEffect()) {
            case MARK_STABLE :
                services.setStable(next.service(), next.environment(), next.toRevision(), record.toUpstreams(), now);
                services.setRevisionStatus(next.service(), next.environment(), next.toRevision(), "stable", now);
                services.setRevisionStatus(next.service(), next.environment(), next.fromRevision(), "previous", now);
                checklist = Checklist.tick(checklist, Checklist.SERVICES_HEALTHY, "system", "health PROCEED", now);
                if (before.state().phase() == DeploymentPhase.BAKING && next.plan().bakeSeconds() > 0) {
                    checklist = Checklist.tick(checklist, Checklist.MONITOR_24H, "system", "bake completed", now);
                }
                break;
            case ARCHIVE_BLUE :
                services.setRevisionStatus(next.service(), next.environment(), next.fromRevision(), "archived", now);
                checklist = Checklist.tick(checklist, Checklist.ARCHIVE_BLUE, "system",
                        next.fromRevision() + " archived", now);
                break;
            case MARK_ROLLBACK_REVISION_STABLE :
                long millis = Duration.between(before.state().phaseSince(), now).toMillis();
                record = record.withRollback(record.rollbackRevision(), millis);
                Timer.builder("avalo.rollback.duration")
                        .description("rollback decision to router ack of the stable-only route")
                        .tag("environment", next.environment())
                        .register(registry).record(Duration.ofMillis(millis));
                services.setRevisionStatus(next.service(), next.environment(), next.toRevision(), "rolled-back", now);
                if (record.rollbackRevision() != null) {
                    RevisionView rv = services.revision(next.service(), next.environment(), record.rollbackRevision())
                            .orElseThrow();
                    services.setStable(next.service(), next.environment(), rv.revision(), rv.upstreams(), now);
                    services.setRevisionStatus(next.service(), next.environment(), rv.revision(), "stable", now);
                }
                break;
            default :
                break;
        }
        if (signal instanceof Signal.Health && next.health() != null && before.state().health() == null) {
            checklist = Checklist.tick(checklist, Checklist.TRACK_HEALTH, "system", "first usable health report", now);
        }
        if (signal instanceof Signal.RouterAck ack && next.phase().isLive()) {
            long current = services.find(next.service(), next.environment()).map(ServiceRecord::routeGeneration)
                    .orElse(Long.MAX_VALUE);
            if (ack.generation() >= current) {
                checklist = Checklist.tick(checklist, Checklist.VERIFY_ROUTING, "system",
                        "router " + ack.routerId() + " acked generation " + ack.generation(), now);
            }
        }
        DeploymentRecord updated = record.withChecklist(checklist).with(next, t.deadline(), now);
        if (!deployments.update(before, updated)) {
            throw new IllegalStateException("deployment " + next.id() + " changed under a row lock");
        }
        DeploymentRecord after = new DeploymentRecord(updated.state(), updated.fromUpstreams(), updated.toUpstreams(),
                updated.strategy(), updated.lastReport(), updated.rollbackRevision(), updated.rollbackMillis(),
                updated.deadline(), updated.migration(), updated.emergency(), updated.checklist(), updated.createdBy(),
                updated.createdAt(), updated.updatedAt(), updated.version() + 1);
        DeploymentView view = Views.deployment(after);
        for (Transition.Emit e : t.events()) {
            UUID eventId = UUID.randomUUID();
            deployments.insertEvent(next.id(), eventId, e.type().wireName(), signal.actor(), e.kind(), e.reason(), next,
                    now);
            byte[] payload = CloudEvents.encode(eventId.toString(), SOURCE, e.type().type(), next.id().toString(), now,
                    new DeploymentEventData(view, new Cause(signal.actor(), e.kind(), e.reason())));
            outbox.add(OutboxStore.Kind.EVENT, subjects.deploymentEvent(next.service(), next.environment()),
                    eventId.toString(), payload, null, now);
            registry.counter("avalo.deployment.events", "type", e.type().wireName(), "service", next.service(), "environment",
                    next.environment())
                    .increment();
            if (signal instanceof Signal.EmergencyStop) {
                Log.debugf("deployment %s %s: %s", next.id(), e.type().wireName(), e.reason());
            } else if (e.type() == DeploymentEventType.ROLLBACK_STARTED || e.type() == DeploymentEventType.ROLLED_BACK) {
                Log.warnf("deployment %s %s: %s", next.id(), e.type().wireName(), e.reason());
            } else {
                Log.infof("deployment %s %s: %s", next.id(), e.type().wireName(), e.reason());
            }
        }
        return after;
    }

    private static boolean routingVerified(DeploymentRecord d) {
        DeploymentRecord.ChecklistEntry e = d.checklist().get(Checklist.VERIFY_ROUTING);
        return e == null || e.done();
    }

    /** A report about this deployment's canary (a report for another revision or deployment is not kept). */
    private static boolean isAbout(HealthReport report, DeploymentState s) {
        return (report.revision() == null || report.revision().equals(s.toRevision()))
                && (report.deploymentId() == null || report.deploymentId().equals(s.id().toString()));
    }

    private static String routeReason(DeploymentState s, Transition t) {
        if (t.route() instanceof RouteIntent.Canary c) {
            return "stage " + (s.stageIndex() + 1) + " (" + s.plan().stage(s.stageIndex()).name() + ", "
                    + Decider.percent(c.weightBasisPoints()) + ") of deployment " + s.id();
        }
        if (t.route() instanceof RouteIntent.Promoted) {
            return "deployment " + s.id() + " succeeded: " + s.toRevision() + " is stable";
        }
        if (t.route() instanceof RouteIntent.Revision r) {
            return "rollback of deployment " + s.id() + " to revision " + r.revision();
        }
        return s.phase() == DeploymentPhase.ABORTED
                ? "abort of deployment " + s.id()
                : "rollback of deployment " + s.id() + " to " + s.fromRevision();
    }

    private static <T> T inTransaction(Supplier<T> work) {
        return QuarkusTransaction.requiringNew().call(work::get);
    }

    /** An {@code Idempotency-Key} with the store that remembers it. */
    public record IdempotencyKey(String actor, String key, String requestHash, IdempotencyStore store) {
    }
}
