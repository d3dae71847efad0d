package dev.avalo.router.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.avalo.router.metrics.ProxyMetrics;
import dev.avalo.router.route.RouteTable;
import dev.avalo.testing.MutableClock;

/**
 * {@link ReverseProxy#every}: the data plane's own periodic work (the per-second metrics sample) runs on its first event loop,
 * keeps its period when it throws, and needs a started proxy.
 */
class PeriodicTaskTest {

    private static final Instant T0 = Instant.parse("2026-11-30T00:00:00Z");

    private ReverseProxy proxy;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.stop();
        }
    }

    private ReverseProxy proxy(int loops) {
        return new ReverseProxy(ProxyTest.config(Duration.ofMinutes(1)), new RouteTable(Map.of()),
                new ProxyMetrics(loops, null),
                MutableClock.of(T0), loops);
    }

    @Test
    void aTaskRunsEveryPeriodOnTheFirstEventLoopOnly() throws Exception {
        proxy = proxy(2);
        proxy.start();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        AtomicInteger runs = new AtomicInteger();
        proxy.every("test task", Duration.ofMillis(20), () -> {
            threads.add(Thread.currentThread().getName());
            runs.incrementAndGet();
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 5);
        // one thread, and it is a data-plane event loop ("avalo-proxy-<group>-<n>"), not a thread of its own
        assertThat(threads).hasSize(1);
        assertThat(threads.iterator().next()).startsWith("avalo-proxy-");
    }

    @Test
    void aTaskThatThrowsRunsAgainAtTheNextPeriod() throws Exception {
        proxy = proxy(1);
        proxy.start();
        AtomicInteger runs = new AtomicInteger();
        proxy.every("failing task", Duration.ofMillis(20), () -> {
            runs.incrementAndGet();
            throw new IllegalStateException("boom");
        });
        // a Netty task that throws is cancelled: without the catch it would run once
        await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 3);
    }

    @Test
    void aTaskNeedsAStartedProxyAndAPeriodOfAtLeastOneMillisecond() throws Exception {
        proxy = proxy(1);
        assertThatThrownBy(() -> proxy.every("early task", Duration.ofSeconds(1), () -> {
        }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not started");
        proxy.start();
        assertThatThrownBy(() -> proxy.every("busy task", Duration.ofNanos(10), () -> {
        }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1 ms");
    }
}
