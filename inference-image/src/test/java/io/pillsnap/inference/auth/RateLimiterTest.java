package io.pillsnap.inference.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    final AtomicLong now = new AtomicLong();
    final RateLimiter limiter = new RateLimiter(3, now::get);

    @Test
    void refusesTheRequestOverTheLimitUntilTheOldestLeavesTheMinute() {
        for (int i = 0; i < 3; i++) {
            now.addAndGet(Duration.ofSeconds(10).toNanos());
            assertThat(limiter.acquire("key:a")).isEmpty();
        }

        assertThat(limiter.acquire("key:a")).contains(Duration.ofSeconds(40));

        now.addAndGet(Duration.ofSeconds(40).toNanos());
        assertThat(limiter.acquire("key:a")).isEmpty();
    }

    @Test
    void countsEachClientApart() {
        for (int i = 0; i < 3; i++) {
            limiter.acquire("key:a");
        }

        assertThat(limiter.acquire("key:a")).isPresent();
        assertThat(limiter.acquire("key:b")).isEmpty();
    }

    @Test
    void zeroMeansNoLimit() {
        RateLimiter off = new RateLimiter(0, now::get);
        for (int i = 0; i < 1000; i++) {
            assertThat(off.acquire("key:a")).isEmpty();
        }
    }
}
