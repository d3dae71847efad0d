package dev.avalo.bench.orchestrator;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.Nats;
import io.nats.client.PublishOptions;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;

/**
 * How fast N route values can be compare-and-set into a KV bucket configured like {@code avalo-routes} (file storage, history
 * 10): the orchestrator's way (per key: get, then update with the revision — two round trips, one key at a time) versus
 * pipelined CAS publishes to {@code $KV.<bucket>.<key>} with {@code Nats-Expected-Last-Subject-Sequence}, acks awaited at the
 * end. Uses a throw-away bucket {@code avalo-routes-probe}. Usage: {@code KvPutProbe [N] [rounds]}.
 */
public final class KvPutProbe {

    private KvPutProbe() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        String bucket = "avalo-routes-probe";
        byte[] value = ("{\"service\":\"x\",\"environment\":\"staging\",\"generation\":3,\"stable\":{\"revision\":\"x-v1\","
                + "\"upstreams\":[\"http://127.0.0.1:9001\"]},\"canary\":{\"revision\":\"x-v2\",\"upstreams\":"
                + "[\"http://127.0.0.1:9002\"]},\"canaryWeightBasisPoints\":0,\"stickiness\":{\"mode\":\"header\","
                + "\"header\":\"X-User-Id\"},\"reason\":\"probe\"}").getBytes(StandardCharsets.UTF_8);
        try (Connection nc = Nats.connect("nats://127.0.0.1:4222")) {
            KeyValueManagement kvm = nc.keyValueManagement();
            try {
                kvm.delete(bucket);
            } catch (JetStreamApiException e) {
                // not there
            }
            kvm.create(KeyValueConfiguration.builder().name(bucket).maxHistoryPerKey(10).storageType(StorageType.File)
                    .build());
            KeyValue kv = nc.keyValue(bucket);
            JetStream js = nc.jetStream();
            long[] revisions = new long[n];
            for (int i = 0; i < n; i++) {
                revisions[i] = kv.create("k" + i + ".staging", value);
            }
            for (int r = 0; r < rounds; r++) {
                long t = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    KeyValueEntry e = kv.get("k" + i + ".staging");
                    revisions[i] = kv.update("k" + i + ".staging", value, e.getRevision());
                }
                double sync = (System.nanoTime() - t) / 1e6;

                t = System.nanoTime();
                List<CompletableFuture<PublishAck>> acks = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    acks.add(js.publishAsync("$KV." + bucket + ".k" + i + ".staging", value,
                            PublishOptions.builder().expectedLastSubjectSequence(revisions[i]).build()));
                }
                for (int i = 0; i < n; i++) {
                    revisions[i] = acks.get(i).get(10, TimeUnit.SECONDS).getSeqno();
                }
                double pipelined = (System.nanoTime() - t) / 1e6;
                System.out.printf("round %d: %d keys  get+update one by one %.1f ms   pipelined CAS publish %.1f ms%n",
                        r + 1, n, sync, pipelined);
            }
            kvm.delete(bucket);
            nc.flush(Duration.ofSeconds(2));
        }
    }
}
