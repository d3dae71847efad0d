package dev.avalo.orchestrator.service;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.narayana.jta.QuarkusTransaction;

import dev.avalo.contracts.DnsLabel;
import dev.avalo.contracts.Json;
import dev.avalo.contracts.Subjects;
import dev.avalo.contracts.deployment.RegisterServiceRequest;
import dev.avalo.contracts.deployment.ServiceView;
import dev.avalo.contracts.route.DesiredRoute;
import dev.avalo.orchestrator.deployment.DeploymentStarter;
import dev.avalo.orchestrator.deployment.DeploymentStore;
import dev.avalo.orchestrator.deployment.ValidationException;
import dev.avalo.orchestrator.outbox.OutboxPublisher;
import dev.avalo.orchestrator.outbox.OutboxStore;
import dev.avalo.orchestrator.problem.ApiException;
import dev.avalo.orchestrator.routing.RouteBuilder;
import dev.avalo.orchestrator.security.Caller;

/** Registers services: the stable revision, its history entry and a 100 % stable route. */
@ApplicationScoped
public class ServiceRegistry {

    private final ServiceStore services;
    private final DeploymentStore deployments;
    private final OutboxStore outbox;
    private final OutboxPublisher publisher;
    private final Clock clock;

    public ServiceRegistry(ServiceStore services, DeploymentStore deployments, OutboxStore outbox,
            OutboxPublisher publisher, Clock clock) {
        this.services = services;
        this.deployments = deployments;
        this.outbox = outbox;
        this.publisher = publisher;
        this.clock = clock;
    }

    public ServiceView register(RegisterServiceRequest req, Caller caller) {
        caller.require(Caller.DEPLOYER);
        if (req == null) {
            throw new ValidationException("body", "a JSON body is required");
        }
        List<ValidationException.FieldError> errors = new ArrayList<>();
        for (String[] f : new String[][]{{"name", req.name()}, {"environment", req.environment()},
                {"revision", req.revision()}}) {
            if (!DnsLabel.isValid(f[1])) {
                errors.add(new ValidationException.FieldError(f[0], "must be a DNS label, got "
                        + (f[1] == null ? "nothing" : "'" + f[1] + "'")));
            }
        }
        DeploymentStarter.upstreams(errors, "upstreams", req.upstreams());
        if (!errors.isEmpty()) {
            throw new ValidationException("invalid service", errors);
        }
        Instant now = clock.instant();
        ServiceView view = QuarkusTransaction.requiringNew().call(() -> {
            DesiredRoute route = RouteBuilder.stableOnly(req.name(), req.environment(), 1, req.revision(),
                    req.upstreams(), "registered by " + caller.name());
            ServiceRecord record = new ServiceRecord(req.name(), req.environment(), req.revision(),
                    List.copyOf(req.upstreams()), 1, route, caller.name(), now, now);
            if (!services.insert(record)) {
                throw ApiException.conflict("service " + req.name() + " is already registered in "
                        + req.environment());
            }
            services.upsertRevision(req.name(), req.environment(), req.revision(), req.upstreams(), "stable", null,
                    now);
            outbox.add(OutboxStore.Kind.ROUTE, Subjects.routeKey(req.name(), req.environment()),
                    req.name() + "." + req.environment() + ".1", Json.encode(route), 1L, now);
            return view(record);
        });
        publisher.nudge();
        return view;
    }

    public ServiceView get(String name, String environment) {
        DnsLabel.require("name", name);
        DnsLabel.require("environment", environment);
        return services.find(name, environment).map(this::view)
                .orElseThrow(() -> ApiException.notFound("name", "service " + name + " is not registered in "
                        + environment));
    }

    public List<ServiceView> list() {
        return services.list().stream().map(this::view).toList();
    }

    private ServiceView view(ServiceRecord s) {
        String live = deployments.live(s.name(), s.environment()).map(d -> d.state().id().toString()).orElse(null);
        return new ServiceView(s.name(), s.environment(), s.stableRevision(), s.upstreams(), s.route(), live,
                s.createdAt(), s.updatedAt());
    }
}
