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
        try (ChatClient a = node1.writer("node1_writer"); ChatClient a2 = node1.client();
             ChatClient b = node2.writer("node2_reader"); ChatClient b2 = node2.client()) {
            a2.join();
            b2.join();
            List<ChatClient> everyone = List.of(a, a2, b, b2);
            JsonNode sent = a.send("across nodes");
            for (ChatClient c : everyone) {
                assertThat(c.next("NEW_MESSAGE").get("id")).isEqualTo(sent.get("id"));
            }
            ChatClient.ok(b.emit("SEND_REACTION", Map.of("messageId", sent.get("id").asText(), "emoji", "🔥")));
            for (ChatClient c : everyone) {
                assertThat(c.next("MESSAGE_REACTION_UPDATED").get("messageId")).isEqualTo(sent.get("id"));
            }
            // A node that also acted on its own echo from Redis would send its sockets a second copy.
            sleep(Duration.ofMillis(500));
            for (ChatClient c : everyone) {
                assertThat(c.drain("NEW_MESSAGE", Duration.ZERO)).as("exactly once").isEmpty();
                assertThat(c.drain("MESSAGE_REACTION_UPDATED", Duration.ZERO)).as("exactly once").isEmpty();
            }
        }
    }

    @Test
    void countChangesOnOneNodeAreAnnouncedOnTheOther() {
        try (ChatClient observer = node2.client()) {
            JsonNode base = observer.join();
            int online = base.get("onlineCount").asInt();
            int watching = base.get("watchingCount").asInt();
            try (ChatClient writer = node1.writer("announced_across")) {
                writer.join();
                awaitAnnounced(observer, online + 1, watching + 1);
            }
            awaitAnnounced(observer, online, watching);
        }
    }

    @Test
    void aNameChosenOnOneNodeCountsTheGuestsTabsOnEveryNode() {
        String cookie = cookieFor(node1);
        try (ChatClient observer = node1.client()) {
            JsonNode base = observer.join();
            int online = base.get("onlineCount").asInt();
            int watching = base.get("watchingCount").asInt();
            try (ChatClient lurkingTab = ChatClient.connect(node2.baseUrl(), cookie)) {
                lurkingTab.join(); // joined before the guest had a name
                try (ChatClient namingTab = ChatClient.connect(node1.baseUrl(), cookie)) {
                    namingTab.join();
                    namingTab.setUsername("named_elsewhere");
                    awaitAnnounced(observer, online + 1, watching + 1);
                }
                // The tab that chose the name has closed; the other still belongs to a named guest.
                sleep(Duration.ofMillis(1500));
                JsonNode now = observer.emit("JOIN_CHAT", null);
                assertThat(now.get("onlineCount").asInt()).isEqualTo(online + 1);
                assertThat(now.get("watchingCount").asInt()).isEqualTo(watching + 1);
            }
        }
    }

    /** Waits (the contract's 1 s, plus a beat of the other node's ticker) for the counts announced last. */
    private static void awaitAnnounced(ChatClient observer, int online, int watching) {
        int[] last = new int[2];
        Awaitility.await().atMost(Duration.ofMillis(1500)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            List<JsonNode> seen = observer.drain("ONLINE_USERS_COUNT", Duration.ZERO);
            if (!seen.isEmpty()) {
                last[0] = seen.get(seen.size() - 1).get("count").asInt();
                last[1] = seen.get(seen.size() - 1).get("watching").asInt();
            }
            assertThat(List.of(last[0], last[1])).isEqualTo(List.of(online, watching));
        });
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
            int online = base.get("onlineCount").asInt();
            int watching = base.get("watchingCount").asInt();
            String cookie = cookieFor(node1);
            long killedAt;
            NodeProcess doomed = NodeProcess.start(database, env);
            try (doomed; ChatClient victim = ChatClient.connect(doomed.baseUrl(), cookie)) {
                victim.setUsername("on_doomed_node");
                victim.join();
                Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                        assertThat(observer.emit("JOIN_CHAT", null).get("watchingCount").asInt()).isEqualTo(watching + 1));
                doomed.kill();
                killedAt = System.nanoTime();
            }
            // The same guest comes back through a new node before the dead one's keys expire.
            NodeProcess reborn = NodeProcess.start(database, env);
            try (ChatClient back = ChatClient.connect(reborn.baseUrl(), cookie)) {
                back.join();
                assertThat(observer.emit("JOIN_CHAT", null).get("watchingCount").asInt())
                        .as("counted once while the dead node's entry lingers").isEqualTo(watching + 1);
                back.close();
                Awaitility.await().atMost(Duration.ofSeconds(35)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                    JsonNode now = observer.emit("JOIN_CHAT", null);
                    assertThat(now.get("watchingCount").asInt()).isEqualTo(watching);
                    assertThat(now.get("onlineCount").asInt()).isEqualTo(online);
                });
                assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).as("from the kill")
                        .isLessThan(Duration.ofSeconds(31));
            } finally {
                reborn.close();
            }
        }
    }
}
