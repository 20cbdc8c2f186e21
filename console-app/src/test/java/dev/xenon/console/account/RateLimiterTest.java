package dev.xenon.console.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    private final AtomicLong nanos = new AtomicLong();
    private final RateLimiter limiter = new RateLimiter(3, 0.5, nanos::get);

    @Test
    void aBurstUpToTheCapacityThenRetryAfterTheRefill() {
        assertThat(limiter.tryAcquire(1)).isZero();
        assertThat(limiter.tryAcquire(1)).isZero();
        assertThat(limiter.tryAcquire(1)).isZero();
        assertThat(limiter.tryAcquire(1)).isEqualTo(2); // one token per 2 s
        nanos.addAndGet(1_000_000_000L);
        assertThat(limiter.tryAcquire(1)).isEqualTo(1);
        nanos.addAndGet(1_000_000_000L);
        assertThat(limiter.tryAcquire(1)).isZero();
    }

    @Test
    void bucketsArePerKeyAndNeverOverfill() {
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.tryAcquire(1)).isZero();
        }
        assertThat(limiter.tryAcquire(2)).isZero();
        nanos.addAndGet(3_600_000_000_000L);
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.tryAcquire(1)).isZero();
        }
        assertThat(limiter.tryAcquire(1)).isPositive();
    }

    @Test
    void aLimitNeedsACapacityAndARate() {
        assertThatThrownBy(() -> new RateLimiter(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RateLimiter(1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
