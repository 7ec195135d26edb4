package org.openworldchat.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.Http;
import org.openworldchat.support.TestApp;

/** History on JOIN_CHAT (with and without since) and GET /api/messages. Each test starts from an empty chat. */
class HistoryTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @BeforeEach
    void emptyChat() throws Exception {
        try (var c = app.sql()) {
            c.createStatement().execute("TRUNCATE messages CASCADE");
        }
    }

    private List<String> sendMany(ChatClient writer, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(writer.send("m" + i).get("id").asText());
        }
        return ids;
    }

    private static List<String> ids(JsonNode messages) {
        List<String> out = new ArrayList<>();
        messages.forEach(m -> out.add(m.get("id").asText()));
        return out;
    }

    @Test
    void joinGivesTheNewest50OldestFirst() {
        try (ChatClient w = app.writer("hist_w"); ChatClient reader = app.client()) {
            List<String> sent = sendMany(w, 60);
            JsonNode ack = reader.join();
            assertThat(ids(ack.get("messages"))).containsExactlyElementsOf(sent.subList(10, 60));
            assertThat(ack.get("username").isNull()).isTrue();
            assertThat(ack.get("defaultUsername").asText()).startsWith("Guest_");
            assertThat(ack.get("onlineCount").asInt()).isGreaterThanOrEqualTo(1);
            assertThat(ack.get("watchingCount").asInt()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void sinceGivesWhatWasMissedUpTo500() {
        try (ChatClient w = app.writer("since_w"); ChatClient reader = app.client()) {
            List<String> sent = sendMany(w, 3);
            JsonNode ack = reader.emit("JOIN_CHAT", Map.of("since", sent.get(0)));
            assertThat(ids(ack.get("messages"))).containsExactlyElementsOf(sent.subList(1, 3));
            JsonNode none = reader.emit("JOIN_CHAT", Map.of("since", sent.get(2)));
            assertThat(none.get("messages")).isEmpty();
            for (String unknown : new String[]{UUID.randomUUID().toString(), "garbage"}) {
                JsonNode fallback = reader.emit("JOIN_CHAT", Map.of("since", unknown));
                assertThat(ids(fallback.get("messages"))).as("unknown since").containsExactlyElementsOf(sent);
            }
            assertThat(reader.emit("JOIN_CHAT", Map.of("since", 12)).at("/error/code").asText()).isEqualTo("INVALID_PAYLOAD");
        }
    }

    @Test
    void sinceIsCappedAt500ThenContinuesFromTheLast() throws Exception {
        try (ChatClient w = app.writer("bulk_w"); ChatClient reader = app.client()) {
            String first = w.send("anchor").get("id").asText();
            // Bulk rows straight into the table, as an operator or an import would.
            // Stamped with the server's clock, which another test of this class may have moved on.
            try (var c = app.sql(); var insert = c.prepareStatement("""
                        INSERT INTO messages (id, content, sender_id, sender_name, created_at)
                        SELECT gen_random_uuid(), 'bulk ' || g, gen_random_uuid(), 'bulk', ?
                        FROM generate_series(1, 520) g ORDER BY g""")) {
                insert.setObject(1, app.clock().instant().atOffset(java.time.ZoneOffset.UTC));
                insert.executeUpdate();
            }
            JsonNode page1 = reader.emit("JOIN_CHAT", Map.of("since", first)).get("messages");
            assertThat(page1).hasSize(500);
            assertThat(page1.get(0).get("content").asText()).isEqualTo("bulk 1");
            String last = page1.get(499).get("id").asText();
            JsonNode page2 = reader.emit("JOIN_CHAT", Map.of("since", last)).get("messages");
            assertThat(page2).hasSize(20);
            assertThat(page2.get(19).get("content").asText()).isEqualTo("bulk 520");
        }
    }

    @Test
    void expiredMessagesAreNeverServed() {
        try (ChatClient w = app.writer("exp_w"); ChatClient reader = app.client()) {
            String old = w.send("old").get("id").asText();
            app.clock().advance(Duration.ofHours(23));
            String fresh = w.send("fresh").get("id").asText();
            app.clock().advance(Duration.ofHours(1).plusSeconds(1));
            assertThat(ids(reader.join().get("messages"))).containsExactly(fresh);
            assertThat(ids(reader.emit("JOIN_CHAT", Map.of("since", old)).get("messages")))
                    .as("an expired since counts as unknown").containsExactly(fresh);
            Http.Reply page = app.http().get("/api/messages");
            assertThat(ids(page.json().get("messages"))).containsExactly(fresh);
            assertThat(app.http().get("/api/messages?before=" + old).status()).isEqualTo(404);
            JsonNode expiresAt = page.json().at("/messages/0/expiresAt");
            JsonNode createdAt = page.json().at("/messages/0/createdAt");
            assertThat(java.time.Instant.parse(expiresAt.asText()))
                    .isEqualTo(java.time.Instant.parse(createdAt.asText()).plus(Duration.ofHours(24)));
        }
    }

    @Test
    void pagesBackwardsWithHasMore() {
        try (ChatClient w = app.writer("page_w")) {
            List<String> sent = sendMany(w, 7);
            Http.Reply newest = app.http().get("/api/messages?limit=3");
            assertThat(newest.status()).isEqualTo(200);
            assertThat(ids(newest.json().get("messages"))).containsExactlyElementsOf(sent.subList(4, 7));
            assertThat(newest.json().get("hasMore").asBoolean()).isTrue();
            JsonNode older = app.http().get("/api/messages?limit=3&before=" + sent.get(4)).json();
            assertThat(ids(older.get("messages"))).containsExactlyElementsOf(sent.subList(1, 4));
            assertThat(older.get("hasMore").asBoolean()).isTrue();
            JsonNode oldest = app.http().get("/api/messages?limit=3&before=" + sent.get(1)).json();
            assertThat(ids(oldest.get("messages"))).containsExactly(sent.get(0));
            assertThat(oldest.get("hasMore").asBoolean()).isFalse();
            assertThat(ids(app.http().get("/api/messages").json().get("messages"))).hasSize(7);
        }
    }

    /** Without {@code limit}, a page holds 50 messages. TestApp raises RATE_LIMIT_MESSAGES, so one writer can send 51. */
    @Test
    void thePageSizeIs50WhenNoLimitIsGiven() {
        try (ChatClient w = app.writer("default_w")) {
            List<String> sent = sendMany(w, 51);
            JsonNode page = app.http().get("/api/messages").json();
            assertThat(ids(page.get("messages"))).containsExactlyElementsOf(sent.subList(1, 51));
            assertThat(page.get("hasMore").asBoolean()).isTrue();
            JsonNode rest = app.http().get("/api/messages?before=" + sent.get(1)).json();
            assertThat(ids(rest.get("messages"))).containsExactly(sent.get(0));
            assertThat(rest.get("hasMore").asBoolean()).isFalse();
        }
    }

    /**
     * A reply's quote (its parent's first 140 code points) is the same in history, from
     * JOIN_CHAT and from GET /api/messages, as in the ack. The parent mixes one-, two- and
     * four-byte characters, so counting bytes or UTF-16 units would cut it elsewhere.
     */
    @Test
    void repliesCarryTheirQuoteInHistoryToo() {
        try (ChatClient a = app.writer("quoted_a"); ChatClient b = app.writer("quoting_b"); ChatClient reader = app.client()) {
            String parentText = "p".repeat(100) + "é".repeat(20) + "😀".repeat(30);
            String quote = "p".repeat(100) + "é".repeat(20) + "😀".repeat(20);
            assertThat(quote.codePointCount(0, quote.length())).isEqualTo(140);
            assertThat(quote.length()).as("UTF-16 units").isEqualTo(160);
            assertThat(quote.getBytes(java.nio.charset.StandardCharsets.UTF_8)).as("UTF-8 bytes").hasSize(220);
            JsonNode parent = a.send(parentText);
            JsonNode reply = ChatClient.ok(b.emit("SEND_MESSAGE",
                    Map.of("content", "agreed", "replyToMessageId", parent.get("id").asText()))).get("message");
            assertThat(reply.at("/replyTo/content").asText()).isEqualTo(quote);

            Map<String, JsonNode> histories = Map.of(
                    "JOIN_CHAT", reader.join().get("messages"),
                    "JOIN_CHAT since", reader.emit("JOIN_CHAT", Map.of("since", parent.get("id").asText())).get("messages"),
                    "GET /api/messages", app.http().get("/api/messages").json().get("messages"));
            histories.forEach((where, messages) -> {
                JsonNode stored = null;
                for (JsonNode m : messages) {
                    if (m.get("id").equals(reply.get("id"))) {
                        stored = m;
                    }
                }
                assertThat(stored).as(where).isNotNull();
                assertThat(stored.get("replyToMessageId")).as(where).isEqualTo(parent.get("id"));
                JsonNode replyTo = stored.get("replyTo");
                assertThat(replyTo.get("id")).as(where).isEqualTo(parent.get("id"));
                assertThat(replyTo.get("senderName").asText()).as(where).isEqualTo("quoted_a");
                assertThat(replyTo.get("content").asText()).as(where).isEqualTo(quote);
                assertThat(replyTo.get("imageUrl").isNull()).as(where).isTrue();
                assertThat(replyTo).as(where + ": the same quote as the ack").isEqualTo(reply.get("replyTo"));
            });
        }
    }

    @Test
    void pagingRefusesBadParameters() {
        for (String q : new String[]{"limit=0", "limit=101", "limit=abc", "limit=", "before=xyz", "before=1234"}) {
            Http.Reply r = app.http().get("/api/messages?" + q);
            assertThat(r.status()).as(q).isEqualTo(400);
            assertThat(r.json().at("/error/code").asText()).isEqualTo("INVALID_PAYLOAD");
        }
        Http.Reply unknown = app.http().get("/api/messages?before=" + UUID.randomUUID());
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().at("/error/code").asText()).isEqualTo("MESSAGE_NOT_FOUND");
    }
}
