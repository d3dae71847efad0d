package dev.avalo.health.verdict;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import dev.avalo.contracts.deployment.DeploymentView;
import dev.avalo.contracts.health.HealthReport;
import dev.avalo.contracts.route.DesiredRoute;
import dev.avalo.health.gate.AlertView;
import dev.avalo.health.gate.DefaultStageGates;
import dev.avalo.health.report.Reports;
import dev.avalo.health.rule.RuleBook;
import dev.avalo.health.rule.RuleRegistry;
import dev.avalo.health.source.alertmanager.AlertBook;
import dev.avalo.health.source.custom.CustomMetrics;
import dev.avalo.health.source.router.RouterSamples;
import dev.avalo.health.window.MetricKind;
import dev.avalo.health.window.ServiceWindows;

/**
 * The scorer's state and its clockwork, free of transport: metric samples go into each service's windows, deployment events and
 * desired routes say which canary is live, and {@link #tick(Instant)} — called every second — checks the rules, and assesses
 * and reports every report interval or at once when a rule newly breaches. State is partitioned by service and environment (one
 * lock each), so it can be sharded by service later.
 */
public final class HealthEngine {

    /** The deployment phases in which a canary is judged. */
    private static final Set<String> JUDGED = Set.of("PENDING", "RUNNING", "PAUSED", "AWAITING_APPROVAL", "BAKING");

    /**
     * @param retentionSeconds
     *            history kept per revision (at least the longest rule)
     * @param baselineSeconds
     *            how much of the stable before a deployment forms its baseline
     * @param reportIntervalSeconds
     *            how often a live canary's report is published
     * @param stageGates
     *            overrides of the stage → gates table, keyed {@code <environment>.<stage>}
     * @param confidence
     *            the confidence bound's name for reports
     */
    public record Settings(int retentionSeconds, int baselineSeconds, int reportIntervalSeconds,
            Map<String, List<String>> stageGates, String confidence) {
    }

    private final Settings settings;
    private final Supplier<Assessor> assessors;
    private final RuleRegistry rules;
    private final AlertBook alerts;
    /** Environment → service → state: a sample finds its state without building a key. */
    private final Map<String, Map<String, State>> states = new ConcurrentHashMap<>();

    private static final class State {
        final ServiceWindows windows;
        LiveCanary canary;
        Assessor assessor;
        boolean fromRouteOnly;
        Instant lastEvent;
        long lastReport = Long.MIN_VALUE;

        State(ServiceWindows windows) {
            this.windows = windows;
        }
    }

    public HealthEngine(Settings settings, Supplier<Assessor> assessors, RuleRegistry rules, AlertBook alerts) {
        this.settings = settings;
        this.assessors = assessors;
        this.rules = rules;
        this.alerts = alerts;
    }

    private State state(String service, String environment) {
        State st = existing(service, environment);
        if (st != null) {
            return st;
        }
        return states.computeIfAbsent(environment, e -> new ConcurrentHashMap<>()).computeIfAbsent(service,
                k -> new State(new ServiceWindows(service, environment, settings.retentionSeconds())));
    }

    private State existing(String service, String environment) {
        Map<String, State> byService = states.get(environment);
        return byService == null ? null : byService.get(service);
    }

    private List<State> all() {
        List<State> all = new ArrayList<>();
        for (Map<String, State> byService : states.values()) {
            all.addAll(byService.values());
        }
        return all;
    }

    /** Merges a router's sample into its revision's second. */
    public void addRouter(RouterSamples.Valid v) {
        var s = v.sample();
        State st = state(s.service(), s.environment());
        synchronized (st) {
            st.windows.addRouter(s.revision(), s.windowStart(), s.requests(), s.errors(), v.s5xx(), v.latency(),
                    s.activeConnections(), s.users());
        }
    }

    /** Adds a validated pushed metric. */
    public void addCustom(String service, String environment, CustomMetrics.Valid v) {
        State st = state(service, environment);
        synchronized (st) {
            st.windows.addCustom(v.revision(), v.at(), v.name(), v.kind(), v.value());
        }
    }

    /** A deployment event's summary: starts, moves or ends the judging of its canary. */
    public void onDeployment(DeploymentView d) {
        if (d.toRevision() == null || d.toRevision().isBlank() || d.state() == null) {
            throw new IllegalArgumentException("deployment " + d.id() + " has no toRevision or state");
        }
        State st = state(d.service(), d.environment());
        synchronized (st) {
            Instant at = d.updatedAt() != null ? d.updatedAt() : d.createdAt();
            boolean sameDeployment = st.canary != null && d.id() != null && d.id().equals(st.canary.deploymentId());
            if (st.lastEvent != null && at != null && at.isBefore(st.lastEvent)) {
                return; // an older event than one already applied
            }
            st.lastEvent = at;
            if (!JUDGED.contains(d.state())) {
                if (st.canary != null && (d.id() == null || d.id().equals(st.canary.deploymentId())
                        || st.fromRouteOnly)) {
                    st.canary = null;
                    st.assessor = null;
                }
                return;
            }
            double share = d.stage() == null ? 0.0 : d.stage().weightBasisPoints() / 10_000.0;
            String stage = d.stage() == null ? "pending" : d.stage().name();
            Instant stageStart = d.stage() != null && d.stage().startedAt() != null
                    ? d.stage().startedAt()
                    : d.createdAt() != null ? d.createdAt() : at;
            Instant started = d.createdAt() != null ? d.createdAt() : stageStart;
            boolean newDeployment = st.canary == null || !sameDeployment;
            if (newDeployment) {
                st.assessor = assessors.get();
                if (d.fromRevision() != null) {
                    st.windows.captureBaseline(d.fromRevision(), started, settings.baselineSeconds());
                }
            }
            boolean newStage = newDeployment || !stage.equals(st.canary.stageName())
                    || !stageStart.equals(st.canary.stageStartedAt());
            if (newStage) {
                st.windows.revision(d.toRevision()).resetCumulative(stageStart.getEpochSecond());
                if (d.fromRevision() != null) {
                    st.windows.revision(d.fromRevision()).resetCumulative(stageStart.getEpochSecond());
                }
            }
            st.canary = new LiveCanary(d.service(), d.environment(), d.id(), d.toRevision(), d.fromRevision(), share,
                    stage, gatesOf(d), started, stageStart);
            st.fromRouteOnly = false;
        }
    }

    /**
     * The gates the canary must pass to leave its stage: the list the deployment's own strategy sends with the stage (the
     * orchestrator's, so a strategy edited through its API is judged as edited), else the seeded strategies' lists.
     */
    private List<String> gatesOf(DeploymentView d) {
        if (d.stage() != null && !d.stage().gates().isEmpty()) {
            return d.stage().gates();
        }
        String stage = d.stage() == null ? "pending" : d.stage().name();
        return DefaultStageGates.of(d.environment(), stage, settings.stageGates());
    }

    /**
     * A desired route: keeps the live canary's traffic share current; a canary in the route without any deployment event (the
     * scorer started late, or a route written by hand) is judged with the stage-1 gates and no baseline.
     */
    public void onRoute(DesiredRoute r, Instant now) {
        State st = state(r.service(), r.environment());
        synchronized (st) {
            String routeCanary = r.canary() == null || r.canaryWeightBasisPoints() <= 0 ? null : r.canary().revision();
            double share = r.canaryWeightBasisPoints() / 10_000.0;
            LiveCanary c = st.canary;
            if (c != null && routeCanary != null && routeCanary.equals(c.canaryRevision())) {
                st.canary = new LiveCanary(c.service(), c.environment(), c.deploymentId(), c.canaryRevision(),
                        c.stableRevision(), share, c.stageName(), c.stageGates(), c.deploymentStartedAt(),
                        c.stageStartedAt());
            } else if (c == null && routeCanary != null && r.stable() != null) {
                st.assessor = assessors.get();
                st.fromRouteOnly = true;
                st.windows.revision(routeCanary).resetCumulative(now.getEpochSecond());
                st.windows.revision(r.stable().revision()).resetCumulative(now.getEpochSecond());
                st.canary = new LiveCanary(r.service(), r.environment(), null, routeCanary, r.stable().revision(), share,
                        "unknown", DefaultStageGates.of(r.environment(), "unknown", settings.stageGates()), now, now);
            } else if (c != null && st.fromRouteOnly && routeCanary == null) {
                st.canary = null;
                st.assessor = null;
            }
        }
    }

    /**
     * One second of clockwork: every live canary's rules are checked; its report is built and returned when the report interval
     * has passed or a rule newly breached. The caller publishes what is returned.
     */
    public List<HealthReport> tick(Instant now) {
        long nowSecond = now.getEpochSecond();
        State[] all = all().toArray(State[]::new);
        HealthReport[] due = new HealthReport[all.length];
        boolean[] idle = new boolean[all.length];
        boolean[] first = new boolean[all.length];
        IntConsumer one = k -> {
            State st = all[k];
            synchronized (st) {
                first[k] = st.lastReport == Long.MIN_VALUE;
                due[k] = tick(st, now, nowSecond);
                idle[k] = st.canary == null && st.windows.revisions().isEmpty();
            }
        };
        if (all.length >= PARALLEL_FROM && Runtime.getRuntime().availableProcessors() > 1) {
            // services are independent (one lock each): spread them over the cores
            IntStream.range(0, all.length).parallel().forEach(one);
        } else {
            for (int k = 0; k < all.length; k++) {
                one.accept(k);
            }
        }
        List<HealthReport> reports = new ArrayList<>();
        boolean anyIdle = false;
        int firstReports = 0;
        for (int k = 0; k < all.length; k++) {
            if (due[k] != null) {
                reports.add(due[k]);
                if (first[k]) {
                    // a canary's first report: the k-th of this tick, counted in the services' order (not the order the cores
                    // happened to finish them in, so that the same inputs give the same report seconds), has its next report
                    // k mod interval seconds early, so canaries seen together (a scorer restart, deployments started in the
                    // same second) report on all the seconds of the interval rather than all in one tick every interval; the
                    // first of a tick (the only one, in the common case) keeps the plain cadence
                    State st = all[k];
                    synchronized (st) {
                        st.lastReport -= firstReports++ % Math.max(1, settings.reportIntervalSeconds());
                    }
                }
            }
            anyIdle |= idle[k];
        }
        if (anyIdle) {
            // forget services with nothing left: no canary, no data within the retention
            for (Map<String, State> byService : states.values()) {
                byService.values().removeIf(st -> {
                    synchronized (st) {
                        return st.canary == null && st.windows.revisions().isEmpty();
                    }
                });
            }
        }
        return reports;
    }

    /** Services from which a tick is spread over the cores. */
    private static final int PARALLEL_FROM = 256;

    /** One service's second: its canary's rules, its report when due; idle revisions dropped. Called under its lock. */
    private HealthReport tick(State st, Instant now, long nowSecond) {
        HealthReport report = null;
        LiveCanary c = st.canary;
        if (c != null) {
            AlertView view = alerts.view(c.service(), c.environment(), now);
            if (view.configured()) {
                st.windows.addCustom(c.canaryRevision(), now, "critical_alerts", MetricKind.GAUGE,
                        view.firingCritical().size());
            }
            List<dev.avalo.health.rule.RuleDefinition> ruleSet = rules.effective(c.service(), c.environment());
            boolean reportDue = st.lastReport == Long.MIN_VALUE
                    || nowSecond - st.lastReport >= settings.reportIntervalSeconds();
            boolean assess = reportDue;
            if (!reportDue) {
                RuleBook.Round round = st.assessor.checkRules(st.windows, c, ruleSet, now);
                assess = !round.newBreaches().isEmpty();
            }
            if (assess) {
                Assessment a = st.assessor.assess(st.windows, c, ruleSet, view, now);
                report = Reports.toWire(a, settings.confidence());
                // the next report is due an interval after this one (a first report's phase is moved once the tick is done)
                st.lastReport = nowSecond;
            }
        }
        st.windows.evictIdle(nowSecond, c == null ? null : c.canaryRevision(), c == null ? null : c.stableRevision());
        return report;
    }

    /** The newest second with data for a revision, or {@link Long#MIN_VALUE}: shows how far ingestion has got. */
    public long newestSecond(String service, String environment, String revision) {
        State st = existing(service, environment);
        if (st == null) {
            return Long.MIN_VALUE;
        }
        synchronized (st) {
            var w = st.windows.existing(revision);
            return w == null ? Long.MIN_VALUE : w.newestSecond();
        }
    }

    /** Every canary being judged. */
    public List<LiveCanary> liveCanaries() {
        List<LiveCanary> out = new ArrayList<>();
        for (State st : all()) {
            synchronized (st) {
                if (st.canary != null) {
                    out.add(st.canary);
                }
            }
        }
        return out;
    }

    /** The canary being judged for a service, if any. */
    public Optional<LiveCanary> live(String service, String environment) {
        State st = existing(service, environment);
        if (st == null) {
            return Optional.empty();
        }
        synchronized (st) {
            return Optional.ofNullable(st.canary);
        }
    }
}
