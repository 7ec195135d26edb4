package org.openworldchat.ratelimit;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.openworldchat.contract.RateLimit;

/**
 * Token buckets (Bucket4j) held in this process: a limit of N per period is a bucket of N tokens
 * refilled smoothly over the period. Time comes from the injected clock. Buckets that have
 * refilled completely carry no information and are dropped now and then, so memory follows the
 * number of guests active within one period.
 */
public final class InMemoryRateLimiter implements RateLimiter {

    private static final int SWEEP_EVERY = 10_000;

    private record Key(RateLimit limit, String subject) {
    }

    private final Map<RateLimit, RateLimit.Quota> quotas;
    private final TimeMeter time;
    private final Map<Key, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong attempts = new AtomicLong();

    public InMemoryRateLimiter(Map<RateLimit, RateLimit.Quota> quotas, Clock clock) {
        this.quotas = Map.copyOf(quotas);
        this.time = new ClockTimeMeter(clock);
    }

    @Override
    public Optional<Duration> attempt(RateLimit limit, String subject) {
        if (attempts.incrementAndGet() % SWEEP_EVERY == 0) {
            sweep();
        }
        RateLimit.Quota quota = quotas.getOrDefault(limit, limit.defaultQuota());
        Bucket bucket = buckets.computeIfAbsent(new Key(limit, subject), k -> newBucket(quota));
        return BucketRules.attempt(bucket, quota);
    }

    private Bucket newBucket(RateLimit.Quota quota) {
        return Bucket.builder()
                .addLimit(BucketRules.configuration(quota).getBandwidths()[0])
                .withCustomTimePrecision(time)
                .build();
    }

    private void sweep() {
        buckets.entrySet().removeIf(e ->
                e.getValue().getAvailableTokens() >= quotas.getOrDefault(e.getKey().limit(), e.getKey().limit().defaultQuota()).permits());
    }

    /** Bucket4j time from the injected clock, so tests move time instead of sleeping. */
    record ClockTimeMeter(Clock clock) implements TimeMeter {
        @Override
        public long currentTimeNanos() {
            return clock.millis() * 1_000_000L;
        }

        @Override
        public boolean isWallClockBased() {
            return true;
        }
    }
}
