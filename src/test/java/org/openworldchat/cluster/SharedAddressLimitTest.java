package org.openworldchat.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openworldchat.app.DatabaseUrl;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.Http;
import org.openworldchat.support.MutableClock;
import org.openworldchat.support.TestApp;
import org.openworldchat.support.TestDatabases;
import org.openworldchat.support.TestRedis;

/** An address's allowance is one across the nodes that share Redis: a balancer spreading it gains nothing. */
class SharedAddressLimitTest {

    @Test
    void twoNodesShareAnAddresssAllowances() {
        DatabaseUrl database = TestDatabases.create();
        Map<String, String> env = Map.of("REDIS_URL", TestRedis.url(), "REDIS_PREFIX", TestRedis.freshPrefix(),
                "TRUST_PROXY", "true", "RATE_LIMIT_ADDRESS_MESSAGES", "6/10m", "RATE_LIMIT_ADDRESS_USERNAME_CHANGES", "2/10m");
        MutableClock clock = new MutableClock();
        String address = "203.0.113.50";
        try (TestApp node1 = TestApp.start(database, clock, env); TestApp node2 = TestApp.start(database, clock, env);
             ChatClient one = guest(node1, address); ChatClient two = guest(node2, address)) {
            one.setUsername("shared_one");
            two.setUsername("shared_two");
            for (int i = 0; i < 3; i++) {
                one.send("one " + i);
                two.send("two " + i);
            }
            assertThat(ChatClient.errorCode(one.emit("SEND_MESSAGE", Map.of("content", "x")))).isEqualTo("RATE_LIMITED");
            assertThat(ChatClient.errorCode(two.emit("SEND_MESSAGE", Map.of("content", "x")))).isEqualTo("RATE_LIMITED");
            try (ChatClient elsewhere = guest(node2, "203.0.113.51")) {
                elsewhere.setUsername("shared_elsewhere");
                assertThat(elsewhere.send("not slowed").get("content").asText()).isEqualTo("not slowed");
            }

            // Name changes count only when they happen: a refused one gives its permit back, on the shared bucket too.
            assertThat(ChatClient.errorCode(one.emit("SET_USERNAME", Map.of("username", "shared_two")))).isEqualTo("USERNAME_TAKEN");
            one.setUsername("shared_one_renamed");
            assertThat(ChatClient.errorCode(two.emit("SET_USERNAME", Map.of("username", "shared_one_renamed"))))
                    .isEqualTo("USERNAME_TAKEN");
            two.setUsername("shared_two_renamed");
            assertThat(ChatClient.errorCode(one.emit("SET_USERNAME", Map.of("username", "shared_one_again"))))
                    .isEqualTo("RATE_LIMITED");
            assertThat(ChatClient.errorCode(two.emit("SET_USERNAME", Map.of("username", "shared_two_again"))))
                    .isEqualTo("RATE_LIMITED");
        } finally {
            TestDatabases.drop(database);
        }
    }

    private static ChatClient guest(TestApp node, String address) {
        String cookie = Http.cookiePair(node.http().get("/api/session", "X-Forwarded-For", address).header("set-cookie"));
        return ChatClient.connect(node.baseUrl(), Map.of("X-Forwarded-For", address, "Cookie", cookie), "websocket");
    }
}
