package dev.avalo.health.verdict;

import java.time.Instant;
import java.util.List;

import dev.avalo.contracts.health.Verdict;
import dev.avalo.health.gate.GateOutcome;
import dev.avalo.health.rule.RuleResult;
import dev.avalo.health.score.HealthScore;

/** Everything one evaluation found for one canary, and the combined verdict with the reasons for it. */
public record Assessment(LiveCanary canary, Instant at, HealthScore score, List<RuleResult> rules,
        List<String> newBreaches, List<GateOutcome> gates, Verdict verdict, List<String> reasons, long canaryRequests,
        long stableRequests) {

    public List<RuleResult> breaches() {
        return rules.stream().filter(RuleResult::breached).toList();
    }
}
