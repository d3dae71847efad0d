package dev.avalo.health.judgement;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.SplittableRandom;

import org.HdrHistogram.Histogram;

import dev.avalo.contracts.metrics.RouterMetricsSample;
import dev.avalo.contracts.metrics.StatusCounts;

/**
 * One simulated service's router: every second, requests per revision are Poisson (the service's rate split by the traffic
 * share, i.e. Poisson thinning of one stream), errors binomial, latencies log-normal, users drawn uniformly from a fixed pool,
 * connections in flight Poisson (rate × mean latency). Samples are built and encoded exactly as the traffic-router's
 * {@code MetricsSampler} does: a 3-significant-digit HdrHistogram of microseconds, compressed V2, base64; a live revision
 * publishes every second, also without requests. Deterministic for a given random generator.
 */
final class Traffic {

    /** A revision's behaviour: error probability, latency median and log-normal shape. */
    record Behaviour(double errorRate, double medianMillis, double sigma) {
        double meanMillis() {
            return medianMillis * Math.exp(sigma * sigma / 2);
        }
    }

    private static final int SIGNIFICANT_DIGITS = 3; // as the router
    private static int[] seen = new int[0];
    private static int stamp;
    private static ByteBuffer buffer = ByteBuffer.allocate(1 << 16);

    private final SplittableRandom random;
    private final Histogram histogram = new Histogram(SIGNIFICANT_DIGITS);
    private final int userPool;

    Traffic(SplittableRandom random, int userPool) {
        this.random = random;
        this.userPool = userPool;
    }

    /** One second of one revision receiving {@code rate} requests per second on average. */
    RouterMetricsSample second(String routerId, String service, String environment, String revision, String role,
            Instant windowStart, double rate, Behaviour b) {
        long requests = poisson(rate);
        long errors = 0;
        histogram.reset();
        double mu = Math.log(b.medianMillis() * 1000.0);
        for (long i = 0; i < requests; i++) {
            if (random.nextDouble() < b.errorRate()) {
                errors++;
            }
            histogram.recordValue(Math.max(1, Math.round(Math.exp(mu + b.sigma() * gaussian()))));
        }
        long users = distinctUsers(requests);
        long inFlight = poisson(rate * b.meanMillis() / 1000.0);
        return new RouterMetricsSample(routerId, service, environment, revision, role, windowStart, 1000, requests, errors,
                new StatusCounts(requests - errors, 0, 0, errors), encode(histogram), inFlight, users);
    }

    private long distinctUsers(long requests) {
        if (seen.length < userPool) {
            seen = new int[userPool];
            stamp = 0;
        }
        stamp++;
        long distinct = 0;
        for (long i = 0; i < requests; i++) {
            int u = random.nextInt(userPool);
            if (seen[u] != stamp) {
                seen[u] = stamp;
                distinct++;
            }
        }
        return distinct;
    }

    /** Poisson: Knuth's product method below 30, else the normal approximation rounded (error far below the noise here). */
    long poisson(double lambda) {
        if (lambda <= 0) {
            return 0;
        }
        if (lambda < 30) {
            double limit = Math.exp(-lambda);
            double p = random.nextDouble();
            long k = 0;
            while (p > limit) {
                p *= random.nextDouble();
                k++;
            }
            return k;
        }
        return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * gaussian()));
    }

    private boolean haveSpare;
    private double spare;

    /** Standard normal (Marsaglia's polar method, on this generator only). */
    double gaussian() {
        if (haveSpare) {
            haveSpare = false;
            return spare;
        }
        double u;
        double v;
        double s;
        do {
            u = random.nextDouble() * 2 - 1;
            v = random.nextDouble() * 2 - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double m = Math.sqrt(-2 * Math.log(s) / s);
        spare = v * m;
        haveSpare = true;
        return u * m;
    }

    /** As the router's {@code MetricsSampler.encode}. */
    private static String encode(Histogram h) {
        int needed = h.getNeededByteBufferCapacity();
        if (buffer.capacity() < needed) {
            buffer = ByteBuffer.allocate(needed);
        }
        buffer.clear();
        int length = h.encodeIntoCompressedByteBuffer(buffer);
        byte[] bytes = new byte[length];
        buffer.flip();
        buffer.get(bytes, 0, length);
        return Base64.getEncoder().encodeToString(bytes);
    }
}
