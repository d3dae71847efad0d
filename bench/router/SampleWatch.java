import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

import org.HdrHistogram.Histogram;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nats.client.Options;

import dev.avalo.contracts.Json;
import dev.avalo.contracts.metrics.RouterMetricsSample;

/**
 * Diagnostic for bench/router/run.sh (BENCH_SAMPLES=1): prints one line per router metrics sample on avalo.metrics.> — the
 * router's own latency (request head decoded to response written) per second and revision, decoded from the sample's
 * HdrHistogram — so that a round's tail can be placed in time and inside or outside the router.
 * Usage: java -cp "<router lib>/*" SampleWatch.java NATS_URL
 */
public class SampleWatch {

    public static void main(String[] args) throws Exception {
        Connection nc = Nats.connect(new Options.Builder().server(args[0]).maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(200)).build());
        Dispatcher d = nc.createDispatcher(m -> {
            try {
                RouterMetricsSample s = Json.decode(m.getData(), RouterMetricsSample.class);
                if (s.requests() == 0) {
                    return;
                }
                Histogram h = Histogram.decodeFromCompressedByteBuffer(
                        ByteBuffer.wrap(Base64.getDecoder().decode(s.latency())), 0);
                System.out.printf("%s %-14s requests %6d  p50 %6d  p99 %6d  p99.9 %6d  max %6d us%n",
                        LocalTime.now().truncatedTo(ChronoUnit.SECONDS), s.revision(), s.requests(),
                        h.getValueAtPercentile(50), h.getValueAtPercentile(99), h.getValueAtPercentile(99.9),
                        h.getMaxValue());
                System.out.flush();
            } catch (Exception e) {
                System.out.println("undecodable sample: " + e);
            }
        });
        d.subscribe("avalo.metrics.>");
        Thread.currentThread().join();
    }
}
