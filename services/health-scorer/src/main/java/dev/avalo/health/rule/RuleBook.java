package dev.avalo.health.rule;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a rule set for one canary, second after second, and remembers since when each rule has been breached so that a
 * report says when a breach began and a new breach can be published at once. Not thread-safe; one per canary.
 */
public final class RuleBook {

    private final RuleEvaluator evaluator;
    /** The every-second check's evaluator: breaches and "since" only ({@link RuleEvaluator#breachesOnly()}). */
    private final RuleEvaluator breaches;
    private final Map<String, Instant> since = new HashMap<>();

    public RuleBook(RuleEvaluator evaluator) {
        this.evaluator = evaluator;
        this.breaches = evaluator.breachesOnly();
    }

    /** One round's results, and the ids of rules breached now that were not breached in the previous round. */
    public record Round(List<RuleResult> results, List<String> newBreaches) {

        public List<RuleResult> breaches() {
            return results.stream().filter(RuleResult::breached).toList();
        }
    }

    public Round evaluate(List<RuleDefinition> rules, EvaluationContext ctx) {
        return evaluate(rules, ctx, true);
    }

    /**
     * One round; without {@code details} the results say which rules are breached and since when, and no more (no sentences; a
     * rule not breached may be UNKNOWN where a full evaluation finds it OK, {@link RuleEvaluator#breachesOnly()}), which is all
     * the every-second check needs: a new breach is then assessed (and described) in full. With {@code details} only the
     * breached rules are described (sentence, observed value, bounds): a report carries its breaches and nothing of the rules
     * that hold, so every rule is first decided without them (the same status and "since", {@code RuleEquivalenceTest}) and a
     * breached one evaluated again in full. Describing all 16 rules of every report was a tenth of the health tick.
     */
    public Round evaluate(List<RuleDefinition> rules, EvaluationContext ctx, boolean details) {
        List<RuleResult> results = new ArrayList<>(rules.size());
        List<String> fresh = List.of();
        for (RuleDefinition rule : rules) {
            RuleResult r = (details ? evaluator : breaches).evaluate(rule, ctx, false);
            if (details && r.breached()) {
                r = evaluator.evaluate(rule, ctx, true);
            }
            if (r.breached()) {
                Instant earlier = since.get(rule.id());
                if (earlier == null) {
                    if (fresh.isEmpty()) {
                        fresh = new ArrayList<>(2);
                    }
                    fresh.add(rule.id());
                } else if (r.since() == null || earlier.isBefore(r.since())) {
                    r = r.withSince(earlier);
                }
            }
            results.add(r);
        }
        // what is remembered is exactly this round's breaches (the earlier starts were read above), updated in place: a breach
        // that goes on keeps its entry and its Instant, so a canary breached for minutes makes no map node per second (some
        // 3,000 of the bench's 10,000 canaries are breached; the cards young collections scan hardly changed, though)
        int breached = 0;
        for (RuleResult r : results) {
            String id = r.rule().id();
            if (r.breached()) {
                breached++;
                Instant earlier = since.get(id);
                // (a breach that went on has r.since() == earlier or older, set above)
                Instant start = r.since() != null ? r.since() : Instant.ofEpochSecond(ctx.end());
                if (!start.equals(earlier)) {
                    since.put(id, start);
                }
            } else if (!since.isEmpty()) {
                since.remove(id);
            }
        }
        if (since.size() > breached) {
            // a rule no longer in the set (the rules were edited): forget its breach
            since.keySet().retainAll(results.stream().filter(RuleResult::breached).map(r -> r.rule().id()).toList());
        }
        return new Round(results, fresh);
    }
}
