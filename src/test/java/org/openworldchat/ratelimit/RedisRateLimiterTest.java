package org.openworldchat.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openworldchat.contract.RateLimit;
import org.openworldchat.redis.RedisConnections;
import org.openworldchat.support.TestRedis;

/** The shared limiter on a real Redis that freezes (answers nothing) instead of going away. */
class RedisRateLimiterTest {

    @Test
    void aFrozenRedisDelaysOneAttemptASecondNotEveryAttempt() {
        String url = TestRedis.url();
        RedisClient adminClient = RedisClient.create(url);
        try (StatefulRedisConnection<String, String> admin = adminClient.connect();
             RedisConnections redis = new RedisConnections(url, TestRedis.freshPrefix())) {
            RedisRateLimiter limiter = new RedisRateLimiter(redis,
                    Map.of(RateLimit.MESSAGE, new RateLimit.Quota(100, Duration.ofSeconds(10))), Clock.systemUTC());
            assertThat(limiter.attempt(RateLimit.MESSAGE, "guest")).isEmpty();

            admin.sync().clientPause(3_000);
            assertThat(limiter.attempt(RateLimit.MESSAGE, "guest")).as("after the timeout, the node's own bucket")
                    .isEmpty();
            long start = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                assertThat(limiter.attempt(RateLimit.MESSAGE, "guest")).isEmpty();
            }
            // Each of these would wait the 1 s command timeout if every attempt tried Redis.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(900));
            admin.sync().ping(); // returns once the pause is over
        } finally {
            adminClient.shutdown();
        }
    }
}
