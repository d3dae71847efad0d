package dev.avalo.orchestrator.metrics;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;

import dev.avalo.orchestrator.db.Jdbc;

/**
 * Where every registered service stands, as gauges for the deployment dashboard (deploy/grafana), tagged {@code service} and
 * {@code environment}: {@code avalo_deployment_canary_weight_percent} (the desired route's canary weight), {@code
 * avalo_deployment_stage} (1-based stage of the live deployment, 0 when none is live) and {@code avalo_deployment_live} (1
 * while a deployment is live, with its phase as a tag). Read from PostgreSQL every {@code avalo.orchestrator.gauges.every} (5
 * s), so every replica reports the same figures whichever replica made the transition; a service whose row is gone drops out.
 */
@ApplicationScoped
public class DeploymentGauges {

    private static final String LIVE = "('PENDING','RUNNING','PAUSED','AWAITING_APPROVAL','BAKING','ROLLING_BACK')";

    private final Jdbc jdbc;
    private final MultiGauge weight;
    private final MultiGauge stage;
    private final MultiGauge live;

    public DeploymentGauges(Jdbc jdbc, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.weight = MultiGauge.builder("avalo.deployment.canary.weight.percent")
                .description("canary weight of the service's desired route, percent").register(registry);
        this.stage = MultiGauge.builder("avalo.deployment.stage")
                .description("1-based stage of the live deployment, 0 when none is live").register(registry);
        this.live = MultiGauge.builder("avalo.deployment.live")
                .description("1 while a deployment of the service is live (phase tag)").register(registry);
    }

    /** One service's standing. */
    public record Standing(String service, String environment, int weightBasisPoints, String phase, int stageIndex) {
    }

    @Scheduled(every = "${avalo.orchestrator.gauges.every:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void scheduled() {
        try {
            refresh();
        } catch (RuntimeException e) {
            Log.warnf("deployment gauges not refreshed: %s", e.getMessage());
        }
    }

    /** Reads every service's route and live deployment and replaces the gauges' rows; returns what it read. */
    public List<Standing> refresh() {
        List<Standing> rows = jdbc.query("""
                select s.name, s.environment, coalesce((s.route->>'canaryWeightBasisPoints')::int, 0) as weight,
                       d.phase, coalesce(d.stage_index, -1) as stage_index
                from service s
                left join deployment d on d.service = s.name and d.environment = s.environment and d.phase in """ + LIVE + """

                order by s.name, s.environment""",
                rs -> new Standing(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4), rs.getInt(5)));
        List<MultiGauge.Row<?>> w = new ArrayList<>();
        List<MultiGauge.Row<?>> st = new ArrayList<>();
        List<MultiGauge.Row<?>> l = new ArrayList<>();
        for (Standing r : rows) {
            Tags tags = Tags.of("service", r.service(), "environment", r.environment());
            w.add(MultiGauge.Row.of(tags, r.weightBasisPoints() / 100.0));
            st.add(MultiGauge.Row.of(tags, r.phase() == null ? 0 : r.stageIndex() + 1));
            if (r.phase() != null) {
                l.add(MultiGauge.Row.of(tags.and("phase", r.phase()), 1));
            }
        }
        weight.register(w, true);
        stage.register(st, true);
        live.register(l, true);
        return rows;
    }
}
