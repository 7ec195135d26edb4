package org.openworldchat.ratelimit;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.Optional;
import org.openworldchat.contract.RateLimit;

/** How an attempt is counted against a bucket, the same for buckets in memory and in Redis. */
final class BucketRules {

    private BucketRules() {
    }

    /** N per period: a bucket of N tokens refilled smoothly over the period. */
    static BucketConfiguration configuration(RateLimit.Quota quota) {
        return BucketConfiguration.builder()
                .addLimit(l -> l.capacity(quota.permits()).refillGreedy(quota.permits(), quota.period()))
                .build();
    }

    /**
     * Takes a token; when there is none, the refused attempt still takes one on credit, down to
     * one period of debt (so a refusal never lasts longer than a period after the hammering
     * stops). Returns how long until an attempt would pass, or empty when this one passed.
     */
    static Optional<Duration> attempt(Bucket bucket, RateLimit.Quota quota) {
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return Optional.empty();
        }
        long available = bucket.getAvailableTokens();
        if (available > -quota.permits()) {
            bucket.consumeIgnoringRateLimits(1);
            available--;
        }
        long missing = 1 - available;
        long wait = Math.max(probe.getNanosToWaitForRefill(), missing * quota.period().toNanos() / quota.permits());
        return Optional.of(Duration.ofNanos(wait));
    }

    /**
     * Takes {@code amount} tokens when there are that many, else none and no debt. More than a
     * full bucket could ever hold is taken as a full bucket, so it waits for one, not forever.
     */
    static Optional<Duration> take(Bucket bucket, RateLimit.Quota quota, long amount) {
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(Math.min(amount, quota.permits()));
        return probe.isConsumed() ? Optional.empty() : Optional.of(Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }

    /** Puts tokens back, never above a full bucket. */
    static void giveBack(Bucket bucket, RateLimit.Quota quota, long amount) {
        bucket.addTokens(Math.min(amount, quota.permits()));
    }
}
