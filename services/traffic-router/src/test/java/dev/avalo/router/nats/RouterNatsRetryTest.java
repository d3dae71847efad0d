package dev.avalo.router.nats;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RouterNatsRetryTest {

    @Test
    void firstConnectRetriesBackOffFromHalfASecondToFourSeconds() {
        assertThat(RouterNats.retryDelayMillis(1)).isEqualTo(500);
        assertThat(RouterNats.retryDelayMillis(2)).isEqualTo(1000);
        assertThat(RouterNats.retryDelayMillis(3)).isEqualTo(2000);
        assertThat(RouterNats.retryDelayMillis(4)).isEqualTo(4000);
        assertThat(RouterNats.retryDelayMillis(5)).isEqualTo(4000);
        assertThat(RouterNats.retryDelayMillis(Integer.MAX_VALUE)).isEqualTo(4000);
    }
}
