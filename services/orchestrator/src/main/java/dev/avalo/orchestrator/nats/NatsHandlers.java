package dev.avalo.orchestrator.nats;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.quarkus.logging.Log;

import dev.avalo.contracts.DnsLabel;
import dev.avalo.contracts.Json;
import dev.avalo.contracts.Subjects;
import dev.avalo.contracts.deployment.DeploymentCommand;
import dev.avalo.contracts.deployment.EmergencyStopRequest;
import dev.avalo.contracts.deployment.StartDeploymentRequest;
import dev.avalo.contracts.health.HealthReport;
import dev.avalo.contracts.problem.Problem;
import dev.avalo.contracts.route.RouterApplied;
import dev.avalo.orchestrator.deployment.DeploymentActions;
import dev.avalo.orchestrator.deployment.DeploymentService;
import dev.avalo.orchestrator.deployment.DeploymentStarter;
import dev.avalo.orchestrator.deployment.ValidationException;
import dev.avalo.orchestrator.deployment.Views;
import dev.avalo.orchestrator.problem.Problems;
import dev.avalo.orchestrator.security.Caller;
import dev.avalo.orchestrator.security.Callers;

/**
 * NATS transport: deploy commands and emergency stop (request/reply, same validation, authorisation and replies as REST),
 * health reports and router acks. Replicas share the subjects through a queue group; handlers run on a worker pool, never on
 * the NATS dispatcher thread.
 */
@ApplicationScoped
public class NatsHandlers {

    static final String QUEUE = "avalo-orchestrator";
    /** Reply header carrying the HTTP-equivalent status. */
    public static final String STATUS_HEADER = "Avalo-Status";

    private final NatsClient nats;
    private final DeploymentStarter starter;
    private final DeploymentActions actions;
    private final DeploymentService deployments;
    private final Callers callers;
    private final ExecutorService workers = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "avalo-nats-worker");
        t.setDaemon(true);
        return t;
    });
    private Dispatcher dispatcher;

    public NatsHandlers(NatsClient nats, DeploymentStarter starter, DeploymentActions actions,
            DeploymentService deployments, Callers callers) {
        this.nats = nats;
        this.starter = starter;
        this.actions = actions;
        this.deployments = deployments;
        this.callers = callers;
    }

    /** Subscribes every handler. */
    public void start() {
        Connection c = nats.connection();
        Subjects s = nats.subjects();
        dispatcher = c.createDispatcher();
        dispatcher.subscribe(s.deployCommands(), QUEUE, m -> workers.execute(() -> command(m)));
        dispatcher.subscribe(s.emergencyStop(), QUEUE, m -> workers.execute(() -> emergencyStop(m)));
        dispatcher.subscribe(s.healthAll(), QUEUE, m -> workers.execute(() -> health(m)));
        dispatcher.subscribe(s.routerAppliedAll(), QUEUE, m -> workers.execute(() -> routerApplied(m)));
        Log.infof("listening on %s, %s, %s, %s", s.deployCommands(), s.emergencyStop(), s.healthAll(),
                s.routerAppliedAll());
    }

    private void command(Message m) {
        String action = m.getSubject().substring(m.getSubject().lastIndexOf('.') + 1);
        reply(m, () -> {
            Caller caller = caller(m);
            if ("start".equals(action)) {
                StartDeploymentRequest req = Json.decode(body(m), StartDeploymentRequest.class);
                String key = m.getHeaders() == null ? null : m.getHeaders().getFirst("Idempotency-Key");
                DeploymentStarter.Started started = starter.start(req, caller, key);
                return new Reply(started.created() ? 201 : 200, Views.deployment(started.deployment()));
            }
            DeploymentCommand cmd = Json.decode(body(m), DeploymentCommand.class);
            if (cmd.deploymentId() == null) {
                throw new ValidationException("deploymentId", "is required");
            }
            return new Reply(200, Views.deployment(actions.act(action, DeploymentActions.parseId(cmd.deploymentId()),
                    cmd, caller)));
        });
    }

    private void emergencyStop(Message m) {
        reply(m, () -> {
            Caller caller = caller(m);
            caller.require(Caller.APPROVER);
            EmergencyStopRequest req = Json.decode(body(m), EmergencyStopRequest.class);
            if (req.reason() == null || req.reason().isBlank()) {
                throw new ValidationException("reason", "an emergency stop needs a reason");
            }
            return new Reply(200, deployments.emergencyStop(req.reason(), caller));
        });
    }

    private void health(Message m) {
        try {
            String[] tokens = m.getSubject().split("\\.");
            HealthReport report = Json.decode(m.getData(), HealthReport.class);
            String service = tokens[tokens.length - 2];
            String environment = tokens[tokens.length - 1];
            DnsLabel.require("service", report.service());
            DnsLabel.require("environment", report.environment());
            if (!service.equals(report.service()) || !environment.equals(report.environment())) {
                Log.warnf("health report for %s/%s on subject %s ignored", report.service(), report.environment(),
                        m.getSubject());
                return;
            }
            deployments.onHealth(report);
        } catch (RuntimeException e) {
            Log.warnf("health report on %s refused: %s", m.getSubject(), e.getMessage());
        }
    }

    private void routerApplied(Message m) {
        try {
            String[] tokens = m.getSubject().split("\\.");
            String service = DnsLabel.require("service", tokens[tokens.length - 2]);
            String environment = DnsLabel.require("environment", tokens[tokens.length - 1]);
            RouterApplied ack = Json.decode(m.getData(), RouterApplied.class);
            if (ack.routerId() == null || ack.routerId().isBlank() || ack.generation() < 1) {
                throw new IllegalArgumentException("routerId and a positive generation are required");
            }
            deployments.onRouterAck(service, environment, ack);
        } catch (RuntimeException e) {
            Log.warnf("router ack on %s refused: %s", m.getSubject(), e.getMessage());
        }
    }

    private Caller caller(Message m) {
        String auth = m.getHeaders() == null ? null : m.getHeaders().getFirst("Authorization");
        return callers.ofAuthorization(auth);
    }

    private static byte[] body(Message m) {
        byte[] data = m.getData();
        if (data == null || data.length == 0) {
            throw new ValidationException("body", "a JSON body is required");
        }
        return data;
    }

    private record Reply(int status, Object body) {
    }

    private void reply(Message m, Supplier<Reply> work) {
        if (m.getReplyTo() == null) {
            Log.warnf("command on %s without a reply subject ignored", m.getSubject());
            return;
        }
        Reply reply;
        try {
            reply = work.get();
        } catch (RuntimeException e) {
            Problem p = Problems.of(e, m.getSubject());
            reply = new Reply(p.status(), p);
        }
        Headers headers = new Headers().put(STATUS_HEADER, String.valueOf(reply.status()));
        if (reply.body() instanceof Problem) {
            headers.put("Content-Type", Problem.MEDIA_TYPE);
        }
        try {
            nats.connection().publish(m.getReplyTo(), headers, Json.encode(reply.body()));
        } catch (RuntimeException e) {
            Log.warnf("reply to %s failed: %s", m.getSubject(), e.getMessage());
        }
    }

    @PreDestroy
    void stop() {
        if (dispatcher != null) {
            try {
                nats.connection().closeDispatcher(dispatcher);
            } catch (RuntimeException e) {
                Log.debug("dispatcher close failed", e);
            }
        }
        workers.shutdown();
    }

}
