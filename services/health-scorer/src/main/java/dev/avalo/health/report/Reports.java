package dev.avalo.health.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.avalo.contracts.health.Breach;
import dev.avalo.contracts.health.GateResult;
import dev.avalo.contracts.health.HealthReport;
import dev.avalo.contracts.health.SampleCounts;
import dev.avalo.contracts.health.ScoreComponent;
import dev.avalo.health.gate.GateOutcome;
import dev.avalo.health.rule.RuleResult;
import dev.avalo.health.score.HealthScore;
import dev.avalo.health.verdict.Assessment;

/** Maps an assessment to the wire health report (DESIGN §4). */
public final class Reports {

    private Reports() {
    }

    public static HealthReport toWire(Assessment a, String confidence) {
        Map<String, ScoreComponent> components = new LinkedHashMap<>();
        a.score().components().forEach((name, c) -> components.put(name, new ScoreComponent(round(c.value()),
                c.score(), c.weight())));
        List<Breach> breaches = new ArrayList<>();
        for (RuleResult r : a.breaches()) {
            breaches.add(new Breach(r.rule().id(), r.rule().description(), r.observed() == null
                    ? Double.NaN
                    : round(r.observed()), r.threshold(), r.since(), round(r.lower()), round(r.upper()), r.samples(),
                    r.detail()));
        }
        List<GateResult> gates = a.gates().stream().map(GateOutcome::toWire).toList();
        HealthScore s = a.score();
        return new HealthReport(a.canary().service(), a.canary().environment(), a.canary().canaryRevision(),
                a.canary().deploymentId(), a.at(), s.score(), components, a.verdict(), breaches, gates,
                new SampleCounts(a.canaryRequests(), a.stableRequests()), confidence, a.reasons());
    }

    private static Double round(Double v) {
        return v == null || v.isNaN() || v.isInfinite() ? null : Math.round(v * 1000.0) / 1000.0;
    }
}
