package org.openworldchat.presence;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.Http;
import org.openworldchat.support.TestApp;

/** ONLINE_USERS_COUNT {count, watching}: active guests and watching guests, tabs counted once. */
class OnlineCountTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    /** What a joined socket knows of the counts: its JOIN_CHAT ack, then every ONLINE_USERS_COUNT. */
    private static final class Observer implements AutoCloseable {
        final ChatClient client = app.client();
        int count;
        int watching;

        Observer() {
            JsonNode join = client.join();
            count = join.get("onlineCount").asInt();
            watching = join.get("watchingCount").asInt();
        }

        /** Waits (at most the contract's 1 s, plus delivery) until the last values told are the expected ones. */
        void awaitCounts(int expectedCount, int expectedWatching) {
            Awaitility.await().atMost(Duration.ofMillis(1100)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
                List<JsonNode> seen = client.drain("ONLINE_USERS_COUNT", Duration.ZERO);
                if (!seen.isEmpty()) {
                    count = seen.get(seen.size() - 1).get("count").asInt();
                    watching = seen.get(seen.size() - 1).get("watching").asInt();
                }
                assertThat(List.of(count, watching)).isEqualTo(List.of(expectedCount, expectedWatching));
            });
        }

        @Override
        public void close() {
            client.close();
        }
    }

    @Test
    void lurkersWatchWritersAreOnlineAndTabsCountOnce() {
        try (Observer observer = new Observer()) {
            assertThat(observer.count).isZero();
            assertThat(observer.watching).isEqualTo(1);

            String cookie;
            try (ChatClient tab1 = app.client()) {
                tab1.join();
                observer.awaitCounts(0, 2);
                tab1.setUsername("counted");
                observer.awaitCounts(1, 2);
                cookie = Http.cookiePair(tab1.issuedCookie());
                try (ChatClient tab2 = ChatClient.connect(app.baseUrl(), cookie)) {
                    JsonNode second = tab2.join();
                    assertThat(second.get("onlineCount").asInt()).isEqualTo(1);
                    assertThat(second.get("watchingCount").asInt()).isEqualTo(2);
                }
                // Closing one of two tabs changes nothing.
                assertThat(observer.client.drain("ONLINE_USERS_COUNT", Duration.ofMillis(600))).isEmpty();
            }
            observer.awaitCounts(0, 1);
        }
    }

    @Test
    void aRefreshCountsTheGuestOnce() {
        try (Observer observer = new Observer()) {
            ChatClient tab = app.writer("refreshing");
            tab.join();
            observer.awaitCounts(1, 2);
            String cookie = Http.cookiePair(tab.issuedCookie());
            tab.close();
            try (ChatClient reloaded = ChatClient.connect(app.baseUrl(), cookie)) {
                JsonNode join = reloaded.join();
                assertThat(join.get("username").asText()).isEqualTo("refreshing");
                observer.awaitCounts(1, 2);
                assertThat(observer.client.drain("ONLINE_USERS_COUNT", Duration.ofMillis(600)))
                        .as("never counted twice").allSatisfy(c -> assertThat(c.get("watching").asInt()).isLessThanOrEqualTo(2));
            }
            observer.awaitCounts(0, 1);
        }
    }

    @Test
    void aTabClosedWhileItsJoinIsHandledIsNotCountedForever() {
        try (Observer observer = new Observer()) {
            for (int i = 0; i < 60; i++) {
                // Websocket only: a client closed in the middle of its transport upgrade can leave a
                // polling session that only the ping timeout ends, which is not what this is about.
                ChatClient tab = ChatClient.connect(app.baseUrl(), (String) null, "websocket");
                tab.emitNoAck("JOIN_CHAT", null);
                tab.close(); // the disconnect overtakes the join, which waits for the database
            }
            // Let every join and disconnect play out; a socket counted after it closed stays counted.
            sleep(Duration.ofMillis(1500));
            observer.awaitCounts(0, 1);
        }
    }

    @Test
    void aJoinStormIsCoalescedAndEndsRight() {
        int n = 60;
        try (Observer observer = new Observer()) {
            observer.awaitCounts(0, 1);
            List<ChatClient> crowd = new ArrayList<>();
            long start = System.nanoTime();
            List<CompletableFuture<ChatClient>> joining = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                joining.add(CompletableFuture.supplyAsync(() -> k % 2 == 0 ? app.writer("storm_" + k) : joinedLurker()));
            }
            joining.forEach(f -> crowd.add(f.join()));
            long seconds = Math.max(1, Duration.ofNanos(System.nanoTime() - start).toSeconds() + 1);
            try {
                List<JsonNode> updates = observer.client.drain("ONLINE_USERS_COUNT", Duration.ofSeconds(1));
                assertThat(updates).isNotEmpty();
                // Uncoalesced, every join and every name would be one update: 90 of them.
                assertThat(updates.size()).as("coalesced: at most four a second, not one per join")
                        .isLessThanOrEqualTo((int) seconds * 4 + 2);
                JsonNode last = updates.get(updates.size() - 1);
                assertThat(last.get("count").asInt()).isEqualTo(n / 2);
                assertThat(last.get("watching").asInt()).isEqualTo(n + 1);
            } finally {
                crowd.forEach(ChatClient::close);
            }
            observer.awaitCounts(0, 1);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ChatClient joinedLurker() {
        ChatClient c = app.client();
        c.join();
        return c;
    }
}
