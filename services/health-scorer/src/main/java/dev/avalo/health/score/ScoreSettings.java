package dev.avalo.health.score;

import java.util.Map;

/**
 * Weights and anchors of the health score (strategy document, "Health Score Calculation" and "Metric Scoring") and the verdict
 * bands (DESIGN §5).
 *
 * @param weights
 *            component name → weight ({@code errorRate}, {@code latency}, {@code throughput}, {@code resource},
 *            {@code userImpact}); non-negative, renormalised over the components that have data
 * @param errorRateZeroAt
 *            the error rate in percent that scores 0 (score = 100 − rate × 100/this; the document's 2 % gives 100 − 50·rate)
 * @param latencyGoodMs
 *            the p95 that scores 100 (500 ms)
 * @param latencyZeroMs
 *            the p95 that scores 0 (1200 ms: (p95 − 500)/7)
 * @param proceedAt
 *            lowest score of the PROCEED band (90)
 * @param continueAt
 *            lowest score of the CONTINUE band (80)
 * @param pauseAt
 *            lowest score of the PAUSE band (70); below it, ROLLBACK
 */
public record ScoreSettings(Map<String, Double> weights, double errorRateZeroAt, double latencyGoodMs, double latencyZeroMs,
        double proceedAt, double continueAt, double pauseAt) {

    public ScoreSettings {
        weights = Map.copyOf(weights);
        for (String c : Components.ALL) {
            Double w = weights.get(c);
            if (w == null || w < 0 || w.isNaN()) {
                throw new IllegalArgumentException("weight of " + c + " must be a number >= 0, got " + w);
            }
        }
        if (weights.size() != Components.ALL.size()) {
            throw new IllegalArgumentException("weights must name exactly " + Components.ALL + ", got " + weights.keySet());
        }
        if (Components.ALL.stream().mapToDouble(weights::get).sum() <= 0) {
            throw new IllegalArgumentException("weights must not all be zero");
        }
        if (!(errorRateZeroAt > 0) || !(latencyZeroMs > latencyGoodMs)) {
            throw new IllegalArgumentException(
                    "score anchors must be ordered: errorRateZeroAt > 0, latencyZeroMs > latencyGoodMs");
        }
        if (!(proceedAt > continueAt && continueAt > pauseAt && pauseAt > 0 && proceedAt <= 100)) {
            throw new IllegalArgumentException("bands must satisfy 100 >= proceedAt > continueAt > pauseAt > 0");
        }
    }

    /** The strategy document's figures: weights .30/.25/.20/.15/.10, 2 %, 500–1200 ms, bands 90/80/70. */
    public static ScoreSettings defaults() {
        return new ScoreSettings(Map.of(Components.ERROR_RATE, 0.30, Components.LATENCY, 0.25, Components.THROUGHPUT, 0.20,
                Components.RESOURCE, 0.15, Components.USER_IMPACT, 0.10), 2.0, 500.0, 1200.0, 90.0, 80.0, 70.0);
    }
}
