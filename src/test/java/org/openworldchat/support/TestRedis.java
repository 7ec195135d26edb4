package org.openworldchat.support;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.UUID;

/**
 * The Redis the multi-node tests use: {@code TEST_REDIS_URL} (CI: the machine's own), else a
 * Redis on localhost:6379 if one answers. Without one the tests skip with a message (or fail,
 * with {@code OWC_REQUIRE_SERVICES=true}).
 */
public final class TestRedis {

    private TestRedis() {
    }

    public static String url() {
        String url = System.getenv().getOrDefault("TEST_REDIS_URL", "redis://127.0.0.1:6379");
        RequiredServices.assume(reachable(url), "Redis at " + url + " (set TEST_REDIS_URL)");
        return url;
    }

    /** A key prefix of its own, so clusters of different tests never see each other. */
    public static String freshPrefix() {
        return "owct-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static RedisURI withTimeout(String url) {
        RedisURI uri = RedisURI.create(url);
        uri.setTimeout(Duration.ofSeconds(2));
        return uri;
    }

    /** Whether a Redis answers there: a PING gets its PONG (any other service on the port does not). */
    static boolean reachable(String url) {
        try (RedisClient client = RedisClient.create(withTimeout(url))) {
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                return "PONG".equals(connection.sync().ping());
            }
        } catch (RuntimeException e) {
            return false;
        }
    }
}
