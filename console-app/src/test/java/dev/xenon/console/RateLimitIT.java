package dev.xenon.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/** The per-key token bucket answers 429 with Retry-After once a key's burst is spent. */
@TestPropertySource(properties = {"xenon.console.rate-limit-capacity=3", "xenon.console.rate-limit-per-second=0.01"})
class RateLimitIT extends ConsoleIntegrationTest {

    @Autowired
    dev.xenon.console.account.ApiKeyService keys;

    @Autowired
    MeterRegistry meters;

    @Test
    void aKeyOverItsLimitGetsTooManyRequestsWithRetryAfter() {
        String key = keys.create(keys.userByEmail("carol@example.com").getId(), "limited")
                .key();
        for (int i = 0; i < 3; i++) {
            assertThat(api().get(key, "/api/v2/users/me").status()).isEqualTo(200);
        }
        ApiClient.Response limited = api().get(key, "/api/v2/users/me");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.body().get("code").asString()).isEqualTo("TOO_MANY_REQUESTS");
        assertThat(Long.parseLong(
                        limited.raw().headers().firstValue("Retry-After").orElseThrow()))
                .isBetween(1L, 100L);
        assertThat(meters.counter("xenon.console.api.rate_limited").count()).isGreaterThanOrEqualTo(1);
        // another key has its own bucket
        String other = keys.create(keys.userByEmail("carol@example.com").getId(), "other")
                .key();
        assertThat(api().get(other, "/api/v2/users/me").status()).isEqualTo(200);
    }
}
