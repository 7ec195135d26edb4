package org.openworldchat.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.openworldchat.app.DatabaseUrl;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.Http;
import org.openworldchat.support.MutableClock;
import org.openworldchat.support.OwnRedis;
import org.openworldchat.support.SharedLimits;
import org.openworldchat.support.TestApp;
import org.openworldchat.support.TestDatabases;

/**
 * A node that starts while Redis is away (a restart during an outage, a new node added then):
 * it serves its own sockets at once, says so on {@code /ready}, and joins the cluster by itself
 * when Redis comes: broadcasts both ways, exact counts and shared limits.
 */
class RedisDownAtStartFaultTest {

    @Test
    void aNodeStartsWithoutRedisAndJoinsTheClusterWhenRedisComes() {
        DatabaseUrl database = TestDatabases.create();
        try (OwnRedis redis = new OwnRedis()) {
            redis.stop();
            Map<String, String> env = Map.of("REDIS_URL", redis.url(), "REDIS_PREFIX", "late",
                    "RATE_LIMIT_MESSAGES", "6/60s");
            MutableClock clock = new MutableClock();
            long starting = System.nanoTime();
            try (TestApp lonely = TestApp.start(database, clock, env)) {
                long startedAfter = (System.nanoTime() - starting) / 1_000_000;
                Http.Reply ready = lonely.http().get("/ready");
                assertThat(ready.status()).isEqualTo(503);
                assertThat(ready.json().at("/checks/redis").asText()).isEqualTo("DOWN");
                assertThat(ready.json().at("/checks/database").asText()).isEqualTo("UP");
                try (ChatClient a = lonely.writer("lonely_a")) {
                    JsonNode own = a.send("while Redis is away");
                    assertThat(a.next("NEW_MESSAGE").get("id")).as("local delivery").isEqualTo(own.get("id"));
                    assertThat(a.emit("JOIN_CHAT", null).get("onlineCount").asInt()).as("this node's own count").isEqualTo(1);

                    redis.start();
                    long back = System.nanoTime();
                    try (TestApp other = TestApp.start(database, clock, env); ChatClient b = other.writer("other_b")) {
                        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                            String id = a.send("to the other node").get("id").asText();
                            assertThat(b.drain("NEW_MESSAGE", Duration.ofMillis(200)))
                                    .extracting(m -> m.get("id").asText()).contains(id);
                        });
                        long deliveryAfter = (System.nanoTime() - back) / 1_000_000;
                        a.drain("NEW_MESSAGE", Duration.ofMillis(200));
                        String fromOther = b.send("and back").get("id").asText();
                        assertThat(a.next("NEW_MESSAGE").get("id").asText()).isEqualTo(fromOther);
                        assertThat(lonely.http().get("/ready").status()).isEqualTo(200);
                        Awaitility.await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                            assertThat(a.emit("JOIN_CHAT", null).get("onlineCount").asInt()).isEqualTo(2);
                            assertThat(b.emit("JOIN_CHAT", null).get("onlineCount").asInt()).isEqualTo(2);
                        });
                        long presenceAfter = (System.nanoTime() - back) / 1_000_000;
                        SharedLimits.assertOneAllowance(lonely, other, "late_limits", 6);

                        Map<String, Object> figures = new LinkedHashMap<>();
                        figures.put("node started without Redis in ms", startedAfter);
                        figures.put("cross-node delivery after Redis came, ms", deliveryAfter);
                        figures.put("presence exact after ms", presenceAfter);
                        FaultReport.record("Node started while Redis is down, Redis comes later", figures);
                    }
                }
            }
        } finally {
            TestDatabases.drop(database);
        }
    }
}
