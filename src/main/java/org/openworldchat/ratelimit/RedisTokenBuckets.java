package org.openworldchat.ratelimit;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.openworldchat.contract.RateLimit;
import org.openworldchat.redis.RedisConnections;

/**
 * Token buckets kept in Redis and changed by one Lua script ({@code redis/token-bucket.lua}), so
 * each attempt is one round trip and atomic. Bucket4j keeps its Redis buckets by compare-and-swap:
 * every request reads the bucket, changes it and writes it back if nobody wrote meanwhile, else
 * starts over. That is fine for a guest's own bucket, but an address's bucket is shared by
 * everyone behind it: with 40 guests writing through one address, most swaps failed and were
 * retried, and a node stored half as many messages with their acks twice as slow (300 guests:
 * a tenth as many).
 */
final class RedisTokenBuckets {

    private static final String SCRIPT = script();

    private final RedisConnections redis;
    private final Clock clock;
    private volatile String sha;

    RedisTokenBuckets(RedisConnections redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
    }

    /** One attempt: taken, or on credit, as {@link BucketRules#attempt} does in memory. */
    Optional<Duration> attempt(String key, RateLimit.Quota quota) {
        return run(key, quota, "attempt", 1);
    }

    /** {@code amount} tokens when they are all there, else none. */
    Optional<Duration> take(String key, RateLimit.Quota quota, long amount) {
        return run(key, quota, "take", amount);
    }

    void giveBack(String key, RateLimit.Quota quota, long amount) {
        run(key, quota, "give", amount);
    }

    private Optional<Duration> run(String key, RateLimit.Quota quota, String mode, long amount) {
        String[] keys = {key};
        String[] args = {Integer.toString(quota.permits()), Long.toString(quota.period().toMillis()),
            Long.toString(clock.millis()), mode, Long.toString(amount)};
        RedisCommands<String, String> commands = redis.commands().sync();
        String result;
        try {
            result = commands.evalsha(loaded(commands), ScriptOutputType.VALUE, keys, args);
        } catch (RedisNoScriptException restarted) {
            // Redis lost its script cache (a restart): the script itself loads it again.
            result = commands.eval(SCRIPT, ScriptOutputType.VALUE, keys, args);
        }
        double waitMillis = Double.parseDouble(result);
        return waitMillis < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(Math.round(waitMillis * 1_000_000)));
    }

    private String loaded(RedisCommands<String, String> commands) {
        String known = sha;
        if (known == null) {
            known = commands.scriptLoad(SCRIPT);
            sha = known;
        }
        return known;
    }

    private static String script() {
        try (InputStream in = RedisTokenBuckets.class.getResourceAsStream("/redis/token-bucket.lua")) {
            if (in == null) {
                throw new IllegalStateException("missing resource /redis/token-bucket.lua");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
