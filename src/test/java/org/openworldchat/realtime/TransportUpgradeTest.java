package org.openworldchat.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.TestApp;

/**
 * Acks sent while a client upgrades from polling to websocket must not be stranded until the
 * next ping: every client here emits right after connecting, which is exactly when it upgrades.
 */
class TransportUpgradeTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @Test
    void noAckIsLostDuringTheUpgrade() throws Exception {
        int clients = 40;
        int eventsEach = 4;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<ChatClient> opened = new java.util.concurrent.CopyOnWriteArrayList<>();
        try {
            for (int round = 0; round < 3; round++) {
                List<CompletableFuture<Integer>> runs = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    runs.add(CompletableFuture.supplyAsync(() -> {
                        ChatClient c = app.client();
                        opened.add(c);
                        int acked = 0;
                        for (int e = 0; e < eventsEach; e++) {
                            JsonNode ack = c.emit("JOIN_CHAT", null);
                            if (ack.path("ok").asBoolean()) {
                                acked++;
                            }
                        }
                        return acked;
                    }, pool));
                }
                int total = 0;
                for (CompletableFuture<Integer> run : runs) {
                    total += run.get(60, TimeUnit.SECONDS);
                }
                assertThat(total).isEqualTo(clients * eventsEach);
                opened.forEach(ChatClient::close);
                opened.clear();
            }
        } finally {
            opened.forEach(ChatClient::close);
            pool.shutdownNow();
        }
    }
}
