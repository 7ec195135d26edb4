package org.openworldchat.app;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.openworldchat.presence.InMemoryPresence;
import org.openworldchat.presence.Presence;
import org.openworldchat.presence.RedisPresence;
import org.openworldchat.ratelimit.InMemoryRateLimiter;
import org.openworldchat.ratelimit.RateLimiter;
import org.openworldchat.ratelimit.RedisRateLimiter;
import org.openworldchat.realtime.ClusterBus;
import org.openworldchat.realtime.RedisClusterBus;
import org.openworldchat.redis.RedisConnections;
import org.openworldchat.upload.LocalDiskObjectStorage;
import org.openworldchat.upload.ObjectStorage;
import org.openworldchat.upload.S3ObjectStorage;

/**
 * The replaceable pieces, chosen from the configuration: with {@code REDIS_URL} the cluster bus,
 * presence and rate limits live in Redis, otherwise in this process; with
 * {@code AWS_S3_BUCKET_NAME} images live in S3, otherwise on disk.
 */
record Infrastructure(Optional<RedisConnections> redis, ClusterBus bus, Presence presence, RateLimiter limiter,
                      ObjectStorage storage) implements AutoCloseable {

    static Infrastructure create(AppConfig config, Clock clock) {
        Optional<RedisConnections> redis = config.redisUrl().map(url -> new RedisConnections(url, config.redisPrefix()));
        try {
            return new Infrastructure(redis,
                    redis.<ClusterBus>map(RedisClusterBus::new).orElse(ClusterBus.LOCAL),
                    redis.<Presence>map(RedisPresence::new).orElseGet(InMemoryPresence::new),
                    redis.<RateLimiter>map(r -> new RedisRateLimiter(r, config.rateLimits(), clock))
                            .orElseGet(() -> new InMemoryRateLimiter(config.rateLimits(), clock)),
                    storage(config));
        } catch (RuntimeException e) {
            redis.ifPresent(RedisConnections::close);
            throw e;
        }
    }

    /**
     * Readiness checks besides the database: Redis when configured, as the contract says. The
     * image store is not one (an S3 hiccup must not take a node that can chat out of the load
     * balancer); its health is the {@code owc_image_store_up} gauge in {@code /metrics}.
     */
    List<HealthCheck> checks() {
        List<HealthCheck> checks = new ArrayList<>();
        redis.ifPresent(r -> checks.add(new HealthCheck("redis", r::ping)));
        return checks;
    }

    private static ObjectStorage storage(AppConfig config) {
        if (config.s3().isPresent()) {
            return new S3ObjectStorage(config.s3().get());
        }
        try {
            return new LocalDiskObjectStorage(config.dataDir().resolve("uploads"));
        } catch (IOException e) {
            throw new StartupException("cannot create " + config.dataDir().resolve("uploads") + ": " + e.getMessage(), e);
        }
    }

    /** Presence is closed by the presence service that owns it; the rest here, after the sockets. */
    @Override
    public void close() {
        bus.close();
        if (storage instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                // closing an HTTP client; nothing to recover
            }
        }
        redis.ifPresent(RedisConnections::close);
    }
}
