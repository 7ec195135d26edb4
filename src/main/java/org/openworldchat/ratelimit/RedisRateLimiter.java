package org.openworldchat.ratelimit;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.github.bucket4j.redis.lettuce.cas.LettuceBasedProxyManager;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.openworldchat.contract.RateLimit;
import org.openworldchat.redis.OutageLog;
import org.openworldchat.redis.RedisConnections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rate limits shared by every node: the same token buckets, kept in Redis by Bucket4j's
 * compare-and-swap protocol, so a guest cannot multiply its allowance by spreading tabs over
 * nodes, nor an address by reaching several nodes. A bucket's key names the limit and the
 * subject (a guest id, or an address's keyed hash, never the address) and expires once the
 * bucket would be full again (plus 10 s). While Redis is away each node limits with its own
 * buckets (per node, so a guest on two nodes gets twice the allowance meanwhile), and logs the
 * outage once.
 */
public final class RedisRateLimiter implements RateLimiter {

    private static final Logger log = LoggerFactory.getLogger(RedisRateLimiter.class);

    /** Built once Redis is reached (a node may start while Redis is away); null until then. */
    private volatile LettuceBasedProxyManager<byte[]> buckets;
    private final Map<RateLimit, RateLimit.Quota> quotas;
    private final Map<RateLimit, BucketConfiguration> configurations = new EnumMap<>(RateLimit.class);
    private final RateLimiter fallback;
    private final RedisConnections redis;
    private final OutageLog outage = new OutageLog(log, "Redis (rate limits)");

    public RedisRateLimiter(RedisConnections redis, Map<RateLimit, RateLimit.Quota> quotas, Clock clock) {
        this.redis = redis;
        this.quotas = Map.copyOf(quotas);
        for (RateLimit limit : RateLimit.values()) {
            configurations.put(limit, BucketRules.configuration(quota(limit)));
        }
        this.fallback = new InMemoryRateLimiter(quotas, clock);
        redis.whenConnected(() -> buckets = Bucket4jLettuce.casBasedBuilder(redis.binary())
                .clientClock(new InMemoryRateLimiter.ClockTimeMeter(clock))
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                .requestTimeout(Duration.ofSeconds(1))
                .build());
    }

    @Override
    public Optional<Duration> attempt(RateLimit limit, String subject) {
        return onSharedBucket(limit, subject, bucket -> BucketRules.attempt(bucket, quota(limit)),
                () -> fallback.attempt(limit, subject));
    }

    @Override
    public Optional<Duration> take(RateLimit limit, String subject, long amount) {
        return onSharedBucket(limit, subject, bucket -> BucketRules.take(bucket, quota(limit), amount),
                () -> fallback.take(limit, subject, amount));
    }

    @Override
    public void giveBack(RateLimit limit, String subject, long amount) {
        onSharedBucket(limit, subject, bucket -> {
            BucketRules.giveBack(bucket, quota(limit), amount);
            return Optional.empty();
        }, () -> {
            fallback.giveBack(limit, subject, amount);
            return Optional.empty();
        });
    }

    /** Runs {@code action} on the shared bucket, or {@code local} while Redis is away. */
    private Optional<Duration> onSharedBucket(RateLimit limit, String subject, Function<Bucket, Optional<Duration>> action,
                                              Supplier<Optional<Duration>> local) {
        LettuceBasedProxyManager<byte[]> shared = buckets;
        if (shared == null) {
            return local.get(); // not yet connected; RedisConnections said so once
        }
        if (!outage.worthTrying()) {
            return local.get(); // failed a moment ago: no send waits for a timeout
        }
        try {
            byte[] key = redis.key("rate:" + limit.name() + ":" + subject).getBytes(StandardCharsets.UTF_8);
            Optional<Duration> wait = action.apply(shared.builder().build(key, () -> configurations.get(limit)));
            outage.succeeded();
            return wait;
        } catch (RuntimeException e) {
            outage.failed(e);
            return local.get();
        }
    }

    private RateLimit.Quota quota(RateLimit limit) {
        return quotas.getOrDefault(limit, limit.defaultQuota());
    }
}
