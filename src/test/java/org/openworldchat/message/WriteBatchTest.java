package org.openworldchat.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.TestApp;

/**
 * The message writer stores concurrent sends together, one transaction for many, and with
 * {@code MESSAGE_WRITE_BATCH=1} one by one; the client sees no difference. The batches are
 * observed through the writer's {@code BatchObserver}, which {@code /metrics} publishes as
 * {@code owc_write_batch_size{queue="message-writer"}}.
 */
class WriteBatchTest {

    private static final String QUEUE = "{queue=\"message-writer\"}";
    private static final int CLIENTS = 6;
    private static final int PER_CLIENT = 30;

    @Test
    void concurrentSendsFromSeveralClientsShareBatches() {
        try (TestApp app = TestApp.start()) {
            Set<String> ids = sendConcurrently(app, "batched");
            String metrics = app.http().get("/metrics").body();
            double batches = value(metrics, "owc_write_batch_size_count" + QUEUE);
            double stored = value(metrics, "owc_write_batch_size_sum" + QUEUE);
            assertThat(stored).as("every message went through the writer").isEqualTo(CLIENTS * PER_CLIENT);
            assertThat(batches).as("fewer transactions than messages").isLessThan(stored);
            assertThat(value(metrics, "owc_write_batch_size_max" + QUEUE)).as("at least one batch of several").isGreaterThan(1);
            assertThat(ids).hasSize(CLIENTS * PER_CLIENT);
        }
    }

    @Test
    void withBatchingOffEveryMessageIsStoredAckedAndAnnouncedAlone() {
        try (TestApp app = TestApp.start(Map.of("MESSAGE_WRITE_BATCH", "1"))) {
            Set<String> ids = sendConcurrently(app, "single");
            String metrics = app.http().get("/metrics").body();
            assertThat(value(metrics, "owc_write_batch_size_count" + QUEUE)).as("one transaction per message")
                    .isEqualTo(CLIENTS * PER_CLIENT);
            assertThat(value(metrics, "owc_write_batch_size_max" + QUEUE)).isEqualTo(1);
            assertThat(ids).hasSize(CLIENTS * PER_CLIENT);
        }
    }

    /**
     * {@value #CLIENTS} joined writers each send {@value #PER_CLIENT} messages at once, without
     * waiting for acks; every send is acked with its own stored message, and every joined socket
     * receives every message once. Returns the ids.
     */
    private static Set<String> sendConcurrently(TestApp app, String prefix) {
        List<ChatClient> writers = new ArrayList<>();
        try (ChatClient reader = app.client()) {
            reader.join();
            for (int c = 0; c < CLIENTS; c++) {
                writers.add(app.writer(prefix + "_" + c));
            }
            List<CompletableFuture<JsonNode>> acks = new ArrayList<>();
            for (int i = 0; i < PER_CLIENT; i++) {
                for (int c = 0; c < CLIENTS; c++) {
                    acks.add(writers.get(c).emitAsync("SEND_MESSAGE", Map.of("content", prefix + " " + c + "/" + i)));
                }
            }
            Set<String> ids = new HashSet<>();
            for (CompletableFuture<JsonNode> ack : acks) {
                JsonNode message = ChatClient.ok(ack.orTimeout(20, TimeUnit.SECONDS).join()).get("message");
                assertThat(message.get("content").asText()).startsWith(prefix + " ");
                ids.add(message.get("id").asText());
            }
            assertThat(ids).as("one stored message per send").hasSize(acks.size());
            Set<String> announced = new HashSet<>();
            for (int n = 0; n < acks.size(); n++) {
                assertThat(announced.add(reader.next("NEW_MESSAGE").get("id").asText())).as("announced once").isTrue();
            }
            assertThat(announced).isEqualTo(ids);
            assertThat(reader.drain("NEW_MESSAGE", Duration.ofMillis(300))).as("nothing more").isEmpty();
            return ids;
        } finally {
            writers.forEach(ChatClient::close);
        }
    }

    private static double value(String scrape, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " ([0-9.E+-]+)$", Pattern.MULTILINE).matcher(scrape);
        assertThat(m.find()).as("series %s in%n%s", series, scrape).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
