package org.openworldchat.ratelimit;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
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
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return Optional.empty();
        }
        // The refused attempt counts too, up to one period of debt (so a refusal never lasts
        // longer than one period after the hammering stops).
        if (bucket.getAvailableTokens() > -quota.permits()) {
            bucket.consumeIgnoringRateLimits(1);
        }
        return Optional.of(Duration.ofNanos(Math.max(probe.getNanosToWaitForRefill(), nanosUntilOneToken(bucket, quota))));
    }

    private static long nanosUntilOneToken(Bucket bucket, RateLimit.Quota quota) {
        long missing = 1 - bucket.getAvailableTokens();
        return missing <= 0 ? 0 : missing * quota.period().toNanos() / quota.permits();
    }

    private Bucket newBucket(RateLimit.Quota quota) {
        return Bucket.builder()
                .addLimit(l -> l.capacity(quota.permits()).refillGreedy(quota.permits(), quota.period()))
                .withCustomTimePrecision(time)
                .build();
    }

    private void sweep() {
        buckets.entrySet().removeIf(e ->
                e.getValue().getAvailableTokens() >= quotas.getOrDefault(e.getKey().limit(), e.getKey().limit().defaultQuota()).permits());
    }

    /** Bucket4j time from the injected clock, so tests move time instead of sleeping. */
    private record ClockTimeMeter(Clock clock) implements TimeMeter {
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
