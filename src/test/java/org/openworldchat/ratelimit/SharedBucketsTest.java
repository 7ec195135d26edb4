package org.openworldchat.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openworldchat.contract.RateLimit;
import org.openworldchat.redis.RedisConnections;
import org.openworldchat.support.MutableClock;
import org.openworldchat.support.TestRedis;

/**
 * The buckets several nodes share in Redis answer exactly as a node's own buckets do, attempt by
 * attempt, and stay exact when a crowd hits one bucket at once (an address behind which many
 * guests write).
 */
class SharedBucketsTest {

    private static final RateLimit.Quota THREE_PER_TEN_SECONDS = new RateLimit.Quota(3, Duration.ofSeconds(10));
    private static final RateLimit.Quota BYTES = new RateLimit.Quota(1000, Duration.ofHours(24));

    private final MutableClock clock = new MutableClock();
    private final Map<RateLimit, RateLimit.Quota> quotas = Map.of(
            RateLimit.ADDRESS_MESSAGE, THREE_PER_TEN_SECONDS, RateLimit.ADDRESS_UPLOAD_BYTES, BYTES,
            RateLimit.ADDRESS_REACTION, new RateLimit.Quota(50, Duration.ofHours(1)));
    private final RedisConnections redis = new RedisConnections(TestRedis.url(), TestRedis.freshPrefix());
    private final RateLimiter shared = new RedisRateLimiter(redis, quotas, clock);
    private final RateLimiter local = new InMemoryRateLimiter(quotas, clock);

    @AfterEach
    void close() {
        redis.close();
    }

    @Test
    void attemptsAreAnsweredAsTheNodesOwnBucketsAnswerThem() {
        List<Optional<Duration>> sharedAnswers = new ArrayList<>();
        List<Optional<Duration>> localAnswers = new ArrayList<>();
        // A burst, hammering past the limit (refusals take tokens on credit, down to one period
        // of debt), then time passing bit by bit.
        for (int step = 0; step < 24; step++) {
            if (step >= 10) {
                clock.advance(Duration.ofMillis(1_700));
            }
            sharedAnswers.add(shared.attempt(RateLimit.ADDRESS_MESSAGE, "address"));
            localAnswers.add(local.attempt(RateLimit.ADDRESS_MESSAGE, "address"));
        }
        assertThat(sharedAnswers.subList(0, 3)).allMatch(Optional::isEmpty);
        assertThat(sharedAnswers.get(3)).as("the fourth in a burst waits two tokens' time")
                .hasValueSatisfying(wait -> assertThat(wait.toMillis()).isBetween(6_666L, 6_667L));
        assertThat(sharedAnswers).as("allowed or not, and how long to wait, to the millisecond")
                .usingElementComparator((a, b) -> a.isPresent() == b.isPresent()
                        && Math.abs(a.orElse(Duration.ZERO).toMillis() - b.orElse(Duration.ZERO).toMillis()) <= 1 ? 0 : 1)
                .isEqualTo(localAnswers);
    }

    @Test
    void takeTakesAllOrNothingAndGiveBackReturnsIt() {
        assertThat(shared.take(RateLimit.ADDRESS_UPLOAD_BYTES, "address", 600)).isEmpty();
        assertThat(shared.take(RateLimit.ADDRESS_UPLOAD_BYTES, "address", 600)).as("400 left").isPresent();
        assertThat(shared.take(RateLimit.ADDRESS_UPLOAD_BYTES, "address", 400)).as("a refusal took nothing").isEmpty();
        shared.giveBack(RateLimit.ADDRESS_UPLOAD_BYTES, "address", 600);
        assertThat(shared.take(RateLimit.ADDRESS_UPLOAD_BYTES, "address", 600)).isEmpty();
        assertThat(shared.take(RateLimit.ADDRESS_UPLOAD_BYTES, "address", 5_000)).as("more than a bucket waits for a full one")
                .hasValueSatisfying(wait -> assertThat(wait).isPositive().isLessThanOrEqualTo(Duration.ofHours(24)));
    }

    @Test
    void aCrowdOnOneBucketGetsExactlyItsAllowance() throws Exception {
        ExecutorService crowd = Executors.newFixedThreadPool(32);
        try {
            List<Callable<Boolean>> attempts = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                attempts.add(() -> shared.attempt(RateLimit.ADDRESS_REACTION, "crowded").isEmpty());
            }
            long allowed = 0;
            for (Future<Boolean> answer : crowd.invokeAll(attempts)) {
                allowed += answer.get() ? 1 : 0;
            }
            assertThat(allowed).as("no attempt lost or counted twice").isEqualTo(50);
        } finally {
            crowd.shutdownNow();
        }
    }
}
