package dev.avalo.health.source;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * What every {@link MetricsSource} must do, extended by each implementation's test: a stable lowercase provider id, online when
 * it can deliver, offline when it cannot — so that "no data" can be told from "source down".
 */
public abstract class MetricsSourceContractTest {

    /** A source that has just delivered (or can). */
    protected abstract MetricsSource deliveringSource() throws Exception;

    /** A source that cannot deliver (unreachable, unsubscribed, silent). */
    protected abstract MetricsSource silentSource() throws Exception;

    @Test
    void hasAStableLowercaseType() throws Exception {
        assertThat(deliveringSource().type()).matches("[a-z][a-z0-9-]*");
        assertThat(silentSource().type()).isEqualTo(deliveringSource().type());
    }

    @Test
    void isOnlineWhenItCanDeliver() throws Exception {
        assertThat(deliveringSource().online()).isTrue();
    }

    @Test
    void isOfflineWhenItCannot() throws Exception {
        assertThat(silentSource().online()).isFalse();
    }
}
