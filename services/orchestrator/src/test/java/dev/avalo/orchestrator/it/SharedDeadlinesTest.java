package dev.avalo.orchestrator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * Two sweepers on one database — what two orchestrator replicas do — share due deadlines through {@code FOR UPDATE SKIP LOCKED}
 * and the optimistic version: every deployment is promoted exactly once.
 */
@QuarkusTest
class SharedDeadlinesTest extends OrchestratorTestBase {

    @Test
    void concurrentSweepsNeverDoubleATransition() throws Exception {
        List<String> services = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String service = unique("sweep-" + i);
            services.add(service);
            ids.add(startProduction(service));
        }
        CLOCK.advance(Duration.ofMinutes(14));
        for (int i = 0; i < ids.size(); i++) {
            publishHealthy(ids.get(i), services.get(i), "production", services.get(i) + "-v2");
        }
        CLOCK.advance(Duration.ofMinutes(1));

        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> runs = new ArrayList<>();
        for (int replica = 0; replica < 2; replica++) {
            runs.add(pool.submit(() -> {
                go.await();
                return sweeper.tick();
            }));
        }
        go.countDown();
        for (Future<Integer> run : runs) {
            run.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            awaitRoute(services.get(i), "production", 1000, 3);
            List<String> types = get("viewer", "/api/v1/deployments/" + id + "/events").then().statusCode(200)
                    .extract().path("type");
            assertThat(types).as("events of %s", id).containsExactly("created", "stage.entered", "stage.passed",
                    "stage.entered");
            assertThat(route(services.get(i), "production").generation()).isEqualTo(3);
        }
    }
}
