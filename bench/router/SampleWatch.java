import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.HdrHistogram.Histogram;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;

/**
 * Diagnostic for bench/router/run.sh (BENCH_SAMPLES=1): prints one line per router metrics sample on avalo.metrics.> — the
 * router's own latency (request head decoded to response written) per second and revision, decoded from the sample's
 * HdrHistogram — so that a round's tail can be placed in time and inside or outside the router.
 * Usage: java -cp "<router lib>/*" SampleWatch.java NATS_URL
 */
public class SampleWatch {

    private static final Pattern REVISION = Pattern.compile("\"revision\":\"([^\"]+)\"");
    private static final Pattern REQUESTS = Pattern.compile("\"requests\":(\\d+)");
    private static final Pattern LATENCY = Pattern.compile("\"latency\":\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        Connection nc = Nats.connect(new io.nats.client.Options.Builder().server(args[0]).maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(200)).build());
        Dispatcher d = nc.createDispatcher(m -> {
            String s = new String(m.getData(), java.nio.charset.StandardCharsets.UTF_8);
            Matcher rev = REVISION.matcher(s);
            Matcher req = REQUESTS.matcher(s);
            Matcher lat = LATENCY.matcher(s);
            if (!rev.find() || !req.find() || !lat.find() || req.group(1).equals("0")) {
                return;
            }
            try {
                Histogram h = Histogram.decodeFromCompressedByteBuffer(
                        ByteBuffer.wrap(Base64.getDecoder().decode(lat.group(1))), 0);
                System.out.printf("%s %-14s requests %6s  p50 %6d  p99 %6d  p99.9 %6d  max %6d us%n",
                        LocalTime.now().truncatedTo(ChronoUnit.SECONDS), rev.group(1), req.group(1),
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
