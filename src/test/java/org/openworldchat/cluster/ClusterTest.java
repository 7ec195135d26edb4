package org.openworldchat.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openworldchat.app.DatabaseUrl;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.Http;
import org.openworldchat.support.MutableClock;
import org.openworldchat.support.NodeProcess;
import org.openworldchat.support.SharedLimits;
import org.openworldchat.support.TestApp;
import org.openworldchat.support.TestDatabases;
import org.openworldchat.support.TestRedis;

/** Two nodes behind one address, sharing PostgreSQL and Redis. */
class ClusterTest {

    static DatabaseUrl database;
    static Map<String, String> env;
    static TestApp node1;
    static TestApp node2;

    @BeforeAll
    static void start() {
        String redis = TestRedis.url();
        database = TestDatabases.create();
        env = Map.of("REDIS_URL", redis, "REDIS_PREFIX", TestRedis.freshPrefix(), "RATE_LIMIT_MESSAGES", "6/10s");
        MutableClock clock = new MutableClock();
        node1 = TestApp.start(database, clock, env);
        node2 = TestApp.start(database, clock, env);
    }

    @AfterAll
    static void stop() {
        if (node1 != null) {
            node1.close();
            node2.close();
            TestDatabases.drop(database);
        }
    }

    private static String cookieFor(TestApp node) {
        return Http.cookiePair(node.http().get("/api/session").header("set-cookie"));
    }

    @Test
    void broadcastsReachEverySocketOnEveryNodeOnce() {
        try (ChatClient a = node1.writer("node1_writer"); ChatClient b = node2.writer("node2_reader")) {
            JsonNode sent = a.send("across nodes");
            assertThat(b.next("NEW_MESSAGE").get("id")).isEqualTo(sent.get("id"));
            assertThat(a.next("NEW_MESSAGE").get("id")).isEqualTo(sent.get("id"));
            ChatClient.ok(b.emit("SEND_REACTION", Map.of("messageId", sent.get("id").asText(), "emoji", "🔥")));
            assertThat(a.next("MESSAGE_REACTION_UPDATED").get("messageId")).isEqualTo(sent.get("id"));
            assertThat(b.next("MESSAGE_REACTION_UPDATED").get("messageId")).isEqualTo(sent.get("id"));
            List<JsonNode> extraMessages = b.drain("NEW_MESSAGE", Duration.ofMillis(500));
            List<JsonNode> extraReactions = a.drain("MESSAGE_REACTION_UPDATED", Duration.ZERO);
            assertThat(extraMessages).as("exactly once").isEmpty();
            assertThat(extraReactions).as("exactly once").isEmpty();
        }
    }

    @Test
    void oneGuestWithTabsOnTwoNodesCountsOnce() {
        String cookie = cookieFor(node1);
        try (ChatClient tab1 = ChatClient.connect(node1.baseUrl(), cookie);
             ChatClient observer = node2.client()) {
            tab1.setUsername("two_node_guest");
            tab1.join();
            JsonNode before = observer.join();
            int online = before.get("onlineCount").asInt();
            int watching = before.get("watchingCount").asInt();
            try (ChatClient tab2 = ChatClient.connect(node2.baseUrl(), cookie)) {
                JsonNode join = tab2.join();
                assertThat(join.get("onlineCount").asInt()).isEqualTo(online);
                assertThat(join.get("watchingCount").asInt()).isEqualTo(watching);
            }
            tab1.close();
            Awaitility.await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
                JsonNode now = observer.emit("JOIN_CHAT", null);
                assertThat(now.get("onlineCount").asInt()).isEqualTo(online - 1);
                assertThat(now.get("watchingCount").asInt()).isEqualTo(watching - 1);
            });
        }
    }

    @Test
    void rateLimitsAreSharedAcrossNodes() {
        SharedLimits.assertOneAllowance(node1, node2, "spread_tabs", 6);
    }

    @Test
    void aKilledNodeStopsCountingItsGuestsAndARestartDoesNotDoubleCount() {
        try (ChatClient observer = node1.client()) {
            JsonNode base = observer.join();
            int watching = base.get("watchingCount").asInt();
            String cookie = cookieFor(node1);
            NodeProcess doomed = NodeProcess.start(database, env);
            try (doomed; ChatClient victim = ChatClient.connect(doomed.baseUrl(), cookie)) {
                victim.setUsername("on_doomed_node");
                victim.join();
                Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                        assertThat(observer.emit("JOIN_CHAT", null).get("watchingCount").asInt()).isEqualTo(watching + 1));
                doomed.kill();
            }
            // The same guest comes back through a new node before the dead one's keys expire.
            NodeProcess reborn = NodeProcess.start(database, env);
            try (ChatClient back = ChatClient.connect(reborn.baseUrl(), cookie)) {
                back.join();
                assertThat(observer.emit("JOIN_CHAT", null).get("watchingCount").asInt())
                        .as("counted once while the dead node's entry lingers").isEqualTo(watching + 1);
                back.close();
                long start = System.nanoTime();
                Awaitility.await().atMost(Duration.ofSeconds(35)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                        assertThat(observer.emit("JOIN_CHAT", null).get("watchingCount").asInt()).isEqualTo(watching));
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(31));
            } finally {
                reborn.close();
            }
        }
    }
}
