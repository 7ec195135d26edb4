package org.openworldchat.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openworldchat.contract.RateLimit;
import org.openworldchat.support.MutableClock;

/** The node's own buckets, as they hold per-address keys: full ones are not kept for long. */
class InMemoryRateLimiterTest {

    private final MutableClock clock = new MutableClock();
    private final InMemoryRateLimiter limiter = new InMemoryRateLimiter(Map.of(
            RateLimit.ADDRESS_MESSAGE, new RateLimit.Quota(2, Duration.ofSeconds(10)),
            RateLimit.ADDRESS_UPLOAD_BYTES, new RateLimit.Quota(1000, Duration.ofHours(24))), clock);

    @Test
    void aRefilledBucketIsDroppedAtTheFirstAttemptAMinuteLaterOnAQuietNode() {
        assertThat(limiter.attempt(RateLimit.ADDRESS_MESSAGE, "address-a")).isEmpty();
        assertThat(limiter.buckets()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(61));
        assertThat(limiter.attempt(RateLimit.ADDRESS_MESSAGE, "address-b")).isEmpty();
        assertThat(limiter.buckets()).as("address-a refilled and was dropped; address-b is new").isEqualTo(1);
    }

    @Test
    void takeTakesAllOrNothingAndGiveBackReturnsIt() {
        assertThat(limiter.take(RateLimit.ADDRESS_UPLOAD_BYTES, "address", 600)).isEmpty();
        assertThat(limiter.take(RateLimit.ADDRESS_UPLOAD_BYTES, "address", 600)).as("400 left").isPresent();
        assertThat(limiter.take(RateLimit.ADDRESS_UPLOAD_BYTES, "address", 400)).as("a refusal took nothing").isEmpty();
        limiter.giveBack(RateLimit.ADDRESS_UPLOAD_BYTES, "address", 600);
        assertThat(limiter.take(RateLimit.ADDRESS_UPLOAD_BYTES, "address", 600)).isEmpty();
        assertThat(limiter.take(RateLimit.ADDRESS_UPLOAD_BYTES, "address", 1)).isPresent()
                .hasValueSatisfying(wait -> assertThat(wait).isPositive().isLessThanOrEqualTo(Duration.ofHours(24)));
    }
}
