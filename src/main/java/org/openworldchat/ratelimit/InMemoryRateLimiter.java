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
 * number of guests and addresses active within one period: every {@value #SWEEP_EVERY} attempts,
 * and at the first attempt a minute after the last sweep, so that a quiet node, too, keeps an
 * address's keyed hash not much longer than its bucket takes to refill.
 */
public final class InMemoryRateLimiter implements RateLimiter {

    private static final int SWEEP_EVERY = 10_000;
    private static final long SWEEP_INTERVAL_MS = Duration.ofMinutes(1).toMillis();

    private record Key(RateLimit limit, String subject) {
    }

    private final Map<RateLimit, RateLimit.Quota> quotas;
    private final TimeMeter time;
    private final Map<Key, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong attempts = new AtomicLong();
    private final Clock clock;
    private final AtomicLong lastSweepMillis;

    public InMemoryRateLimiter(Map<RateLimit, RateLimit.Quota> quotas, Clock clock) {
        this.quotas = Map.copyOf(quotas);
        this.time = new ClockTimeMeter(clock);
        this.clock = clock;
        this.lastSweepMillis = new AtomicLong(clock.millis());
    }

    @Override
    public Optional<Duration> attempt(RateLimit limit, String subject) {
        return BucketRules.attempt(bucket(limit, subject), quota(limit));
    }

    @Override
    public Optional<Duration> take(RateLimit limit, String subject, long amount) {
        return BucketRules.take(bucket(limit, subject), quota(limit), amount);
    }

    @Override
    public void giveBack(RateLimit limit, String subject, long amount) {
        Bucket bucket = buckets.get(new Key(limit, subject));
        if (bucket != null) { // swept meanwhile: it was full, and stays so
            BucketRules.giveBack(bucket, quota(limit), amount);
        }
    }

    /** Buckets held now (tests). */
    int buckets() {
        return buckets.size();
    }

    private Bucket bucket(RateLimit limit, String subject) {
        long now = clock.millis();
        long last = lastSweepMillis.get();
        boolean due = now - last >= SWEEP_INTERVAL_MS && lastSweepMillis.compareAndSet(last, now);
        if (attempts.incrementAndGet() % SWEEP_EVERY == 0 || due) {
            sweep();
        }
        return buckets.computeIfAbsent(new Key(limit, subject), k -> newBucket(quota(limit)));
    }

    private RateLimit.Quota quota(RateLimit limit) {
        return quotas.getOrDefault(limit, limit.defaultQuota());
    }

    private Bucket newBucket(RateLimit.Quota quota) {
        return Bucket.builder()
                .addLimit(BucketRules.configuration(quota).getBandwidths()[0])
                .withCustomTimePrecision(time)
                .build();
    }

    private void sweep() {
        buckets.entrySet().removeIf(e -> e.getValue().getAvailableTokens() >= quota(e.getKey().limit()).permits());
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
