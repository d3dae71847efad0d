package dev.avalo.orchestrator.deployment;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.avalo.contracts.DnsLabel;
import dev.avalo.contracts.Json;
import dev.avalo.contracts.deployment.MigrationSpec;
import dev.avalo.contracts.deployment.StartDeploymentRequest;
import dev.avalo.contracts.schedule.ScheduleCheckReply;
import dev.avalo.orchestrator.checklist.Checklist;
import dev.avalo.orchestrator.config.OrchestratorConfig;
import dev.avalo.orchestrator.migration.MigrationAnalysis;
import dev.avalo.orchestrator.migration.MigrationChange;
import dev.avalo.orchestrator.migration.MigrationPolicy;
import dev.avalo.orchestrator.problem.ApiException;
import dev.avalo.orchestrator.schedule.ScheduleClient;
import dev.avalo.orchestrator.security.Caller;
import dev.avalo.orchestrator.service.ServiceRecord;
import dev.avalo.orchestrator.service.ServiceStore;
import dev.avalo.orchestrator.strategy.Strategy;
import dev.avalo.orchestrator.strategy.StrategyStore;

/**
 * Starts a deployment: validates the request (names, upstreams, strategy, checklist, migration policy), honours
 * {@code Idempotency-Key}, asks the scheduler, then creates and starts it in one transaction. REST and NATS both call this, so
 * both validate and reply the same.
 */
@ApplicationScoped
public class DeploymentStarter {

    private final DeploymentService deployments;
    private final DeploymentStore store;
    private final ServiceStore services;
    private final StrategyStore strategies;
    private final IdempotencyStore idempotency;
    private final ScheduleClient schedule;
    private final OrchestratorConfig config;
    private final MigrationPolicy migrationPolicy = new MigrationPolicy();

    public DeploymentStarter(DeploymentService deployments, DeploymentStore store, ServiceStore services,
            StrategyStore strategies, IdempotencyStore idempotency, ScheduleClient schedule,
            OrchestratorConfig config) {
        this.deployments = deployments;
        this.store = store;
        this.services = services;
        this.strategies = strategies;
        this.idempotency = idempotency;
        this.schedule = schedule;
        this.config = config;
    }

    /** The outcome: the deployment and whether this call created it (false: an idempotent replay). */
    public record Started(DeploymentRecord deployment, boolean created) {
    }

    public Started start(StartDeploymentRequest req, Caller caller, String idempotencyKey) {
        caller.require(Caller.DEPLOYER);
        if (req == null) {
            throw new ValidationException("body", "a JSON body is required");
        }
        validate(req);
        Optional<DeploymentService.IdempotencyKey> key = Optional.empty();
        if (idempotencyKey != null && !idempotencyKey.isBlank()) {
            if (idempotencyKey.length() > 200) {
                throw new ValidationException("Idempotency-Key", "must be at most 200 characters");
            }
            String hash = hash(req);
            Optional<IdempotencyStore.Entry> seen = idempotency.find(caller.name(), idempotencyKey);
            if (seen.isPresent()) {
                if (!seen.get().requestHash().equals(hash)) {
                    throw ApiException.unprocessable("Idempotency-Key",
                            "Idempotency-Key was already used with a different request body", null);
                }
                return new Started(deployments.get(seen.get().deploymentId()), false);
            }
            key = Optional.of(new DeploymentService.IdempotencyKey(caller.name(), idempotencyKey, hash, idempotency));
        }
        if (req.emergency() != null) {
            if (!caller.has(Caller.APPROVER)) {
                throw ApiException.forbidden("an emergency deployment needs the approver role; " + caller.name()
                        + " lacks it");
            }
        }
        ServiceRecord service = services.find(req.service(), req.environment())
                .orElseThrow(() -> ApiException.notFound("service",
                        "service " + req.service() + " is not registered in " + req.environment()));
        if (service.stableRevision().equals(req.revision())) {
            throw ApiException.conflict(req.revision() + " is already the stable revision of " + req.service());
        }
        store.live(req.service(), req.environment()).ifPresent(d -> {
            throw ApiException.conflict("deployment " + d.state().id() + " of " + req.service() + " in "
                    + req.environment() + " is already live (" + d.state().phase() + ")");
        });
        String strategyName = req.strategy() == null ? req.environment() : req.strategy();
        Strategy plan = strategies.find(strategyName)
                .orElseThrow(() -> ApiException.unprocessable("strategy", "no strategy '" + strategyName + "'", null))
                .scaled(config.durationScale());
        if (plan.checklistRequired()) {
            List<String> missing = Checklist.missing(req.checklist());
            if (!missing.isEmpty()) {
                throw ApiException.unprocessable("checklist",
                        "pre-deployment checklist incomplete; missing: " + String.join(", ", missing),
                        Map.of("missing", missing));
            }
        }
        List<String> unknownItems = Checklist.unknown(req.checklist());
        if (!unknownItems.isEmpty()) {
            throw new ValidationException("checklist", "unknown checklist items: " + String.join(", ", unknownItems)
                    + "; known: " + String.join(", ", Checklist.PRE_ITEMS.keySet()));
        }
        boolean rollbackSafe = checkMigration(req.migration(), req.service());

        ScheduleCheckReply verdict = schedule.check(req.service(), req.environment(), req.emergency());
        if (!verdict.allowed()) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("verdict", verdict.verdict() == null ? "BLOCKED" : verdict.verdict().name());
            details.put("reasons", verdict.reasons());
            if (!verdict.activeFreezes().isEmpty()) {
                details.put("activeFreezes", verdict.activeFreezes());
            }
            if (verdict.nextAllowedAt() != null) {
                details.put("nextAllowedAt", verdict.nextAllowedAt().toString());
            }
            throw ApiException.locked("the schedule blocks deploying " + req.service() + " to " + req.environment()
                    + " now: " + String.join("; ", verdict.reasons()), details);
        }

        Instant now = deployments.clock().instant();
        DeploymentState state = DeploymentState.pending(UUID.randomUUID(), req.service(), req.environment(),
                service.stableRevision(), req.revision(), plan, rollbackSafe, now);
        DeploymentRecord pending = new DeploymentRecord(state, service.upstreams(), List.copyOf(req.upstreams()),
                strategyName, null, null, null, null, req.migration(), req.emergency(),
                Checklist.initial(req.checklist(), caller.name(), now), caller.name(), now, now, 0);
        return new Started(deployments.create(pending, key), true);
    }

    /** Applies the migration policy; returns whether a rollback stays safe. */
    private boolean checkMigration(MigrationSpec migration, String service) {
        if (migration == null) {
            return true;
        }
        MigrationAnalysis analysis = migrationPolicy.analyse(migration.sql());
        List<MigrationChange> breaking = analysis.breakingChanges();
        boolean contract = "contract".equals(migration.phase());
        if (!breaking.isEmpty() && !contract) {
            List<String> lines = breaking.stream().map(c -> "#" + c.index() + " " + c.statement() + ": " + c.reason())
                    .toList();
            throw ApiException.unprocessable("migration.sql",
                    "breaking schema change in an expand deployment; ship it as a contract deployment once no live "
                            + "deployment runs an older revision: " + String.join("; ", lines),
                    Map.of("breaking", lines));
        }
        if (contract && !breaking.isEmpty()) {
            List<String> others = new ArrayList<>();
            store.liveOf(service).forEach(d -> others.add(d.state().environment() + " " + d.state().id() + " (from "
                    + d.state().fromRevision() + ")"));
            if (!others.isEmpty()) {
                throw ApiException.unprocessable("migration.phase",
                        "contract migration refused: live deployments of " + service + " still run an older revision: "
                                + String.join(", ", others),
                        Map.of("liveDeployments", others));
            }
        }
        return !contract;
    }

    private static void validate(StartDeploymentRequest req) {
        List<ValidationException.FieldError> errors = new ArrayList<>();
        label(errors, "service", req.service());
        label(errors, "environment", req.environment());
        label(errors, "revision", req.revision());
        if (req.strategy() != null) {
            label(errors, "strategy", req.strategy());
        }
        upstreams(errors, "upstreams", req.upstreams());
        if (req.migration() != null) {
            if (!"expand".equals(req.migration().phase()) && !"contract".equals(req.migration().phase())) {
                errors.add(new ValidationException.FieldError("migration.phase",
                        "must be expand or contract, got '" + req.migration().phase() + "'"));
            }
            if (req.migration().sql() == null || req.migration().sql().isBlank()) {
                errors.add(new ValidationException.FieldError("migration.sql", "must not be empty"));
            }
        }
        if (req.emergency() != null) {
            if (blank(req.emergency().reason())) {
                errors.add(new ValidationException.FieldError("emergency.reason", "must not be empty"));
            }
            if (blank(req.emergency().approvedBy())) {
                errors.add(new ValidationException.FieldError("emergency.approvedBy", "must not be empty"));
            }
        }
        if (!errors.isEmpty()) {
            throw new ValidationException("invalid deployment request", errors);
        }
    }

    static void label(List<ValidationException.FieldError> errors, String field, String value) {
        if (!DnsLabel.isValid(value)) {
            errors.add(new ValidationException.FieldError(field,
                    "must be a DNS label ([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?), got "
                            + (value == null ? "nothing" : "'" + value + "'")));
        }
    }

    /** Upstreams: 1–64 absolute http(s) URLs with a host. */
    public static void upstreams(List<ValidationException.FieldError> errors, String field, List<String> upstreams) {
        if (upstreams == null || upstreams.isEmpty()) {
            errors.add(new ValidationException.FieldError(field, "at least one upstream URL is required"));
            return;
        }
        if (upstreams.size() > 64) {
            errors.add(new ValidationException.FieldError(field, "at most 64 upstreams"));
        }
        for (int i = 0; i < upstreams.size(); i++) {
            String u = upstreams.get(i);
            try {
                URI uri = URI.create(u);
                if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                    throw new IllegalArgumentException();
                }
            } catch (RuntimeException e) {
                errors.add(new ValidationException.FieldError(field + "[" + i + "]",
                        "must be an absolute http(s) URL, got '" + u + "'"));
            }
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String hash(StartDeploymentRequest req) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                    new String(Json.encode(req), StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
