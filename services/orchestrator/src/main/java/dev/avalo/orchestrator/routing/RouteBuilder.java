package dev.avalo.orchestrator.routing;

import java.util.List;

import dev.avalo.contracts.route.DesiredRoute;
import dev.avalo.contracts.route.RouteTarget;
import dev.avalo.contracts.route.Stickiness;
import dev.avalo.orchestrator.deployment.DeploymentRecord;
import dev.avalo.orchestrator.deployment.Transition.RouteIntent;

/** Turns a route intent into the desired route of DESIGN §4. */
public final class RouteBuilder {

    private RouteBuilder() {
    }

    /** Stable only, for a newly registered service. */
    public static DesiredRoute stableOnly(String service, String environment, long generation, String revision,
            List<String> upstreams, String reason) {
        return new DesiredRoute(service, environment, generation, new RouteTarget(revision, upstreams), null, 0,
                Stickiness.defaultHeader(), reason);
    }

    /**
     * The route for {@code intent} of deployment {@code d}; {@code revisionUpstreams} are the upstreams of a named rollback
     * revision (only for {@link RouteIntent.Revision}).
     */
    public static DesiredRoute build(DeploymentRecord d, RouteIntent intent, long generation,
            List<String> revisionUpstreams, String reason) {
        var s = d.state();
        RouteTarget stable = new RouteTarget(s.fromRevision(), d.fromUpstreams());
        RouteTarget canary = new RouteTarget(s.toRevision(), d.toUpstreams());
        if (intent instanceof RouteIntent.Canary c) {
            return new DesiredRoute(s.service(), s.environment(), generation, stable, canary, c.weightBasisPoints(),
                    Stickiness.defaultHeader(), reason);
        }
        if (intent instanceof RouteIntent.StableOnly) {
            return new DesiredRoute(s.service(), s.environment(), generation, stable, canary, 0,
                    Stickiness.defaultHeader(), reason);
        }
        if (intent instanceof RouteIntent.Promoted) {
            return stableOnly(s.service(), s.environment(), generation, s.toRevision(), d.toUpstreams(), reason);
        }
        if (intent instanceof RouteIntent.Revision r) {
            return stableOnly(s.service(), s.environment(), generation, r.revision(), revisionUpstreams, reason);
        }
        throw new IllegalArgumentException("unknown route intent " + intent);
    }
}
