package org.openworldchat.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
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

    static boolean reachable(String url) {
        URI uri = URI.create(url);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(uri.getHost(), uri.getPort() == -1 ? 6379 : uri.getPort()), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
