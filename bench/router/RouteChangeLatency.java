import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.StorageType;

/**
 * Route change latency driver for bench/router/route-latency.sh (a single-file program: {@code java -cp <jnats> thisfile}).
 *
 * <pre>
 * seed    --nats URL --bucket B --service S --env E --stable URL --canary URL
 *         creates the bucket when missing and puts generation (current+1) at weight 0
 * measure --nats URL --bucket B --prefix P --service S --env E --stable URL --canary URL --proxy URL --changes N --out FILE
 *         N times: put the next generation, alternating canary weight 10000 and 0; time from the put to the ack on
 *         P.evt.router.applied.S.E carrying that generation, and to the first response through the proxy from the side
 *         that the new weight selects (the upstream body starts with version=blue or version=green)
 * </pre>
 *
 * Every wait is bounded (5 s per change); the run stops by itself.
 */
public class RouteChangeLatency {

    private static final Pattern GENERATION = Pattern.compile("\"generation\"\\s*:\\s*(\\d+)");
    private static final Duration WAIT = Duration.ofSeconds(5);

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = args(argv);
        String mode = argv.length > 0 ? argv[0] : "";
        Options options = new Options.Builder().server(a.get("nats")).connectionTimeout(Duration.ofSeconds(5)).build();
        try (Connection nc = Nats.connect(options)) {
            KeyValue kv = bucket(nc, a.get("bucket"));
            String key = a.get("service") + "." + a.get("env");
            switch (mode) {
                case "seed" -> {
                    long g = current(kv, key) + 1;
                    kv.put(key, route(a, g, 0).getBytes(StandardCharsets.UTF_8));
                    System.out.println("seeded " + key + " at generation " + g);
                }
                case "measure" -> measure(nc, kv, key, a);
                default -> {
                    System.err.println("usage: seed|measure --nats URL --bucket B ... (see the class comment)");
                    System.exit(2);
                }
            }
        }
    }

    private static void measure(Connection nc, KeyValue kv, String key, Map<String, String> a) throws Exception {
        int changes = Integer.parseInt(a.getOrDefault("changes", "200"));
        String subject = a.get("prefix") + ".evt.router.applied." + key;
        Map<Long, Long> acked = new ConcurrentHashMap<>();
        Dispatcher d = nc.createDispatcher(m -> {
            long now = System.nanoTime();
            Matcher g = GENERATION.matcher(new String(m.getData(), StandardCharsets.UTF_8));
            if (g.find()) {
                acked.putIfAbsent(Long.parseLong(g.group(1)), now);
            }
        });
        d.subscribe(subject);
        nc.flush(Duration.ofSeconds(5));

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(a.get("proxy"))).timeout(Duration.ofSeconds(2))
                .header("Host", a.get("service")).header("X-User-Id", "route-latency").GET().build();

        long base = current(kv, key);
        List<Double> ackMs = new ArrayList<>();
        List<Double> servedMs = new ArrayList<>();
        int ackTimeouts = 0;
        int servedTimeouts = 0;
        for (int i = 1; i <= changes; i++) {
            long g = base + i;
            int weight = i % 2 == 1 ? 10_000 : 0;
            String expect = weight == 10_000 ? "version=green" : "version=blue";
            byte[] value = route(a, g, weight).getBytes(StandardCharsets.UTF_8);
            long t0 = System.nanoTime();
            kv.put(key, value);
            long deadline = t0 + WAIT.toNanos();
            Long served = null;
            while (System.nanoTime() < deadline) {
                try {
                    HttpResponse<String> r = http.send(probe, HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200 && r.body().startsWith(expect)) {
                        served = System.nanoTime();
                        break;
                    }
                } catch (java.io.IOException e) {
                    Thread.sleep(1);
                }
            }
            if (served == null) {
                servedTimeouts++;
            } else {
                servedMs.add((served - t0) / 1e6);
            }
            while (!acked.containsKey(g) && System.nanoTime() < deadline) {
                Thread.sleep(0, 200_000);
            }
            Long ack = acked.get(g);
            if (ack == null) {
                ackTimeouts++;
            } else {
                ackMs.add((ack - t0) / 1e6);
            }
            if (i % 50 == 0) {
                System.err.printf(Locale.ROOT, "route-latency: %d/%d changes%n", i, changes);
            }
            Thread.sleep(20);
        }
        d.unsubscribe(subject);

        String json = String.format(Locale.ROOT,
                "{\"benchmark\":\"traffic-router route change\",\"date\":\"%s\",\"git_commit\":\"%s\",\"changes\":%d,"
                        + "\"method\":\"KV put of generation n+1 alternating canary weight 10000/0; ack = first message on %s "
                        + "carrying that generation; served = first 200 through %s from the side the new weight selects "
                        + "(a tight keep-alive request loop)\","
                        + "\"ack_ms\":%s,\"served_ms\":%s,\"ack_timeouts\":%d,\"served_timeouts\":%d,"
                        + "\"goal\":\"ack p99 <= 100 ms\"}",
                Instant.now(), a.getOrDefault("commit", ""), changes, subject, a.get("proxy"), stats(ackMs),
                stats(servedMs), ackTimeouts, servedTimeouts);
        System.out.println(json);
        if (a.containsKey("out")) {
            Files.writeString(Path.of(a.get("out")), json + "\n");
        }
    }

    private static String stats(List<Double> ms) {
        if (ms.isEmpty()) {
            return "null";
        }
        double[] v = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return String.format(Locale.ROOT, "{\"count\":%d,\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"max\":%.3f,\"mean\":%.3f}",
                v.length, pct(v, 50), pct(v, 90), pct(v, 99), v[v.length - 1], Arrays.stream(v).average().orElse(0));
    }

    /** Nearest-rank percentile. */
    private static double pct(double[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static String route(Map<String, String> a, long generation, int weight) {
        String s = a.get("service");
        return String.format(Locale.ROOT, "{\"service\":\"%s\",\"environment\":\"%s\",\"generation\":%d,"
                + "\"stable\":{\"revision\":\"%s-blue\",\"upstreams\":[\"%s\"]},"
                + "\"canary\":{\"revision\":\"%s-green\",\"upstreams\":[\"%s\"]},"
                + "\"canaryWeightBasisPoints\":%d,\"stickiness\":{\"mode\":\"header\",\"header\":\"X-User-Id\"},"
                + "\"reason\":\"bench/router route-latency\"}",
                s, a.get("env"), generation, s, a.get("stable"), s, a.get("canary"), weight);
    }

    private static long current(KeyValue kv, String key) throws Exception {
        KeyValueEntry e = kv.get(key);
        if (e == null || e.getValue() == null) {
            return 0;
        }
        Matcher m = GENERATION.matcher(new String(e.getValue(), StandardCharsets.UTF_8));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static KeyValue bucket(Connection nc, String name) throws Exception {
        KeyValueManagement kvm = nc.keyValueManagement();
        try {
            kvm.getStatus(name);
        } catch (JetStreamApiException missing) {
            kvm.create(KeyValueConfiguration.builder().name(name).maxHistoryPerKey(10).storageType(StorageType.File)
                    .build());
        }
        return nc.keyValue(name);
    }

    private static Map<String, String> args(String[] argv) {
        Map<String, String> m = new java.util.HashMap<>();
        for (int i = 1; i + 1 < argv.length; i += 2) {
            if (!argv[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value, got " + argv[i]);
            }
            m.put(argv[i].substring(2), argv[i + 1]);
        }
        return m;
    }
}
