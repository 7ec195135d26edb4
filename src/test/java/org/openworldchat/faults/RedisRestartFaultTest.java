package org.openworldchat.faults;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.openworldchat.app.DatabaseUrl;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.MutableClock;
import org.openworldchat.support.OwnRedis;
import org.openworldchat.support.TestApp;
import org.openworldchat.support.TestDatabases;
import org.slf4j.LoggerFactory;

/** Redis stopped and restarted under two running nodes: each keeps serving, then they heal. */
class RedisRestartFaultTest {

    @Test
    void eachNodeKeepsServingAndTheClusterHeals() throws Exception {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        DatabaseUrl database = TestDatabases.create();
        try (OwnRedis redis = new OwnRedis()) {
            Map<String, String> env = Map.of("REDIS_URL", redis.url(), "REDIS_PREFIX", "outage",
                    "RATE_LIMIT_REACTIONS", "6/10s");
            MutableClock clock = new MutableClock();
            try (TestApp node1 = TestApp.start(database, clock, env); TestApp node2 = TestApp.start(database, clock, env);
                 ChatClient a = node1.writer("outage_a"); ChatClient b = node2.writer("outage_b")) {
                String first = a.send("before").get("id").asText();
                assertThat(b.next("NEW_MESSAGE").get("id").asText()).isEqualTo(first);
                a.drain("NEW_MESSAGE", Duration.ofMillis(200));

                redis.stop();
                int sent = 20;
                for (int i = 0; i < sent; i++) {
                    JsonNode own = a.send("during " + i);
                    assertThat(a.next("NEW_MESSAGE").get("id")).as("local delivery goes on").isEqualTo(own.get("id"));
                }
                JsonNode node2Message = b.send("node2 too");
                assertThat(node2Message.get("content").asText()).isEqualTo("node2 too");
                assertThat(b.next("NEW_MESSAGE").get("id")).isEqualTo(node2Message.get("id"));
                ChatClient.ok(b.emit("SEND_REACTION", Map.of("messageId", node2Message.get("id").asText(), "emoji", "🔥")));
                assertThat(b.next("MESSAGE_REACTION_UPDATED").get("messageId")).as("reactions go on")
                        .isEqualTo(node2Message.get("id"));
                assertThat(b.emit("JOIN_CHAT", Map.of("since", first)).get("messages")).as("reading works").hasSize(sent + 1);
                a.drain("MESSAGE_REACTION_UPDATED", Duration.ZERO);
                long outageWarnings = logs.list.stream()
                        .filter(e -> e.getFormattedMessage().contains("unavailable; continuing on this node alone")).count();

                redis.start();
                long back = System.nanoTime();
                b.drain("NEW_MESSAGE", Duration.ZERO);
                Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                    String id = a.send("after").get("id").asText();
                    List<JsonNode> seen = b.drain("NEW_MESSAGE", Duration.ofMillis(200));
                    assertThat(seen).extracting(m -> m.get("id").asText()).contains(id);
                });
                long deliveryHealed = (System.nanoTime() - back) / 1_000_000;
                a.drain("NEW_MESSAGE", Duration.ZERO);
                String fromNode2 = b.send("node2 after").get("id").asText();
                assertThat(a.drain("NEW_MESSAGE", Duration.ofMillis(500))).as("and the other way")
                        .extracting(m -> m.get("id").asText()).contains(fromNode2);
                assertSharedReactionLimit(node1, node2, first);
                Awaitility.await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                        assertThat(b.emit("JOIN_CHAT", null).get("onlineCount").asInt()).isEqualTo(2));
                long presenceHealed = (System.nanoTime() - back) / 1_000_000;

                Map<String, Object> figures = new LinkedHashMap<>();
                figures.put("messages sent during the outage", sent);
                figures.put("outage warnings logged", outageWarnings);
                figures.put("cross-node delivery back after ms", deliveryHealed);
                figures.put("presence exact again after ms", presenceHealed);
                FaultReport.record("Redis stopped and restarted, two nodes", figures);
                assertThat(outageWarnings).as("logged once per piece and node, not per message").isBetween(1L, 6L);
            }
        } finally {
            root.detachAppender(logs);
            TestDatabases.drop(database);
        }
    }

    /** A guest with a tab on each node gets one reaction allowance (6 per 10 s), not one per node. */
    private static void assertSharedReactionLimit(TestApp node1, TestApp node2, String messageId) {
        String cookie = org.openworldchat.support.Http.cookiePair(node1.http().get("/api/session").header("set-cookie"));
        try (ChatClient tab1 = ChatClient.connect(node1.baseUrl(), cookie);
             ChatClient tab2 = ChatClient.connect(node2.baseUrl(), cookie)) {
            tab1.setUsername("outage_limits");
            List<String> emojis = List.of("😀", "😁", "😂");
            for (String emoji : emojis) {
                ChatClient.ok(tab1.emit("SEND_REACTION", Map.of("messageId", messageId, "emoji", emoji)));
                ChatClient.ok(tab2.emit("SEND_REACTION", Map.of("messageId", messageId, "emoji", emoji)));
            }
            for (ChatClient tab : List.of(tab1, tab2)) {
                assertThat(ChatClient.errorCode(tab.emit("SEND_REACTION", Map.of("messageId", messageId, "emoji", "🔥"))))
                        .as("limits shared again after the outage").isEqualTo("RATE_LIMITED");
            }
        }
    }
}
