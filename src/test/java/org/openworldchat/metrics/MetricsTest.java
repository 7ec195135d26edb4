package org.openworldchat.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.Http;
import org.openworldchat.support.TestApp;

class MetricsTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass(Map.of("DATABASE_POOL_SIZE", "5"));

    private static double value(String scrape, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " ([0-9.E+-]+)$", Pattern.MULTILINE).matcher(scrape);
        assertThat(m.find()).as("series %s in%n%s", series, scrape).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void prometheusTextWithChatPoolAndJvmMeters() {
        try (ChatClient c = app.writer("measured")) {
            String id = c.send("counted").get("id").asText();
            ChatClient.ok(c.emit("SEND_REACTION", Map.of("messageId", id, "emoji", "🔥")));
            ChatClient.errorCode(c.emit("SEND_MESSAGE", Map.of("content", " ")));

            Http.Reply reply = app.http().get("/metrics");
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.header("content-type")).startsWith("text/plain");
            String text = reply.body();
            assertThat(value(text, "owc_messages_sent_total")).isGreaterThanOrEqualTo(1);
            assertThat(value(text, "owc_reactions_total")).isGreaterThanOrEqualTo(1);
            assertThat(value(text, "owc_refusals_total{code=\"EMPTY_MESSAGE\"}")).isGreaterThanOrEqualTo(1);
            assertThat(value(text, "owc_sockets")).isGreaterThanOrEqualTo(1);
            assertThat(value(text, "owc_guests_online")).isGreaterThanOrEqualTo(1);
            assertThat(value(text, "owc_guests_watching")).isGreaterThanOrEqualTo(1);
            for (String queue : new String[] {"message-writer", "reaction-writer", "guest-touches"}) {
                assertThat(value(text, "owc_write_batch_size_count{queue=\"" + queue + "\"}")).as(queue).isGreaterThanOrEqualTo(1);
                assertThat(value(text, "owc_write_batch_duration_seconds_count{queue=\"" + queue + "\"}")).as(queue)
                        .isGreaterThanOrEqualTo(1);
            }
            assertThat(text).contains("owc_ack_latency_seconds_bucket{event=\"SEND_MESSAGE\"")
                    .contains("owc_ack_latency_seconds_count{event=\"JOIN_CHAT\"}")
                    .contains("hikaricp_connections_active")
                    .contains("jvm_memory_used_bytes")
                    .contains("owc_uploads_total");
            assertThat(text).as("DATABASE_POOL_SIZE sizes the pool").containsPattern("(?m)^hikaricp_connections_max\\{[^}]*} 5\\.0$");
        }
    }
}
