package org.openworldchat.ratelimit;

import java.time.Clock;
import java.time.Duration;
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
 * Rate limits shared by every node: the same token buckets, kept in Redis and changed by one
 * script per attempt ({@link RedisTokenBuckets}), so a guest cannot multiply its allowance by
 * spreading tabs over nodes, nor an address by reaching several nodes. A bucket's key names the limit and the
 * subject (a guest id, or an address's keyed hash, never the address) and expires once the
 * bucket would be full again (plus 10 s). While Redis is away each node limits with its own
 * buckets (per node, so a guest on two nodes gets twice the allowance meanwhile), and logs the
 * outage once.
 */
public final class RedisRateLimiter implements RateLimiter {

    private static final Logger log = LoggerFactory.getLogger(RedisRateLimiter.class);

    private final RedisTokenBuckets buckets;
    private final Map<RateLimit, RateLimit.Quota> quotas;
    private final RateLimiter fallback;
    private final RedisConnections redis;
    private final OutageLog outage = new OutageLog(log, "Redis (rate limits)");

    public RedisRateLimiter(RedisConnections redis, Map<RateLimit, RateLimit.Quota> quotas, Clock clock) {
        this.redis = redis;
        this.quotas = Map.copyOf(quotas);
        this.fallback = new InMemoryRateLimiter(quotas, clock);
        this.buckets = new RedisTokenBuckets(redis, clock);
    }

    @Override
    public Optional<Duration> attempt(RateLimit limit, String subject) {
        return onSharedBucket(limit, subject, key -> buckets.attempt(key, quota(limit)),
                () -> fallback.attempt(limit, subject));
    }

    @Override
    public Optional<Duration> take(RateLimit limit, String subject, long amount) {
        return onSharedBucket(limit, subject, key -> buckets.take(key, quota(limit), amount),
                () -> fallback.take(limit, subject, amount));
    }

    @Override
    public void giveBack(RateLimit limit, String subject, long amount) {
        onSharedBucket(limit, subject, key -> {
            buckets.giveBack(key, quota(limit), amount);
            return Optional.empty();
        }, () -> {
            fallback.giveBack(limit, subject, amount);
            return Optional.empty();
        });
    }

    /** Runs {@code action} on the shared bucket, or {@code local} while Redis is away. */
    private Optional<Duration> onSharedBucket(RateLimit limit, String subject, Function<String, Optional<Duration>> action,
                                              Supplier<Optional<Duration>> local) {
        if (!redis.isConnected()) {
            return local.get(); // not yet connected; RedisConnections said so once
        }
        if (!outage.worthTrying()) {
            return local.get(); // failed a moment ago: no send waits for a timeout
        }
        try {
            // "bucket:", not the "rate:" of the former format, so nodes of both kinds never read each other's.
            Optional<Duration> wait = action.apply(redis.key("bucket:" + limit.name() + ":" + subject));
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
