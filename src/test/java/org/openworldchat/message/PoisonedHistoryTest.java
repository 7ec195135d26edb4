package org.openworldchat.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.Http;
import org.openworldchat.support.TestApp;
import org.openworldchat.support.TextFrames;

/**
 * A history made to be as heavy as the rules allow: no answer may pass 1 MiB, so a client that
 * catches up is never cut off by its own catch-up (the guard against clients that stop reading
 * closes a connection holding 4 MiB it has not read). Answers page by size as well as by count.
 */
class PoisonedHistoryTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    private static final int MIB = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** 2,000 code points, the most a message may hold, of 4 bytes each in UTF-8. */
    private static final String FULL = "😀".repeat(2000);

    @BeforeEach
    void emptyChat() throws Exception {
        try (Connection c = app.sql()) {
            c.createStatement().execute("TRUNCATE messages CASCADE");
        }
    }

    @Test
    void aClientCatchesUpOnFiveHundredHeavyMessagesPageByPage() throws Exception {
        String anchor;
        try (ChatClient writer = app.writer("poison_anchor")) {
            anchor = writer.send("anchor").get("id").asText();
        }
        // Bulk rows straight into the table, as an import (or a patient attacker) would leave them.
        try (Connection c = app.sql(); var insert = c.prepareStatement("""
                    INSERT INTO messages (id, content, sender_id, sender_name, created_at)
                    SELECT gen_random_uuid(), ?, gen_random_uuid(), 'poison', ?
                    FROM generate_series(1, 500) g ORDER BY g""")) {
            insert.setString(1, FULL);
            insert.setObject(2, app.clock().instant().atOffset(ZoneOffset.UTC));
            insert.executeUpdate();
        }
        List<String> expected = new ArrayList<>();
        long storedBytes = 0;
        try (Connection c = app.sql(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT id, octet_length(content) FROM messages WHERE sender_name = 'poison' ORDER BY seq")) {
            while (rs.next()) {
                expected.add(rs.getString(1));
                storedBytes += rs.getLong(2);
            }
        }
        assertThat(storedBytes).as("what follows the anchor is several MiB").isGreaterThan(3L * MIB);

        TextFrames frames = new TextFrames(Duration.ofSeconds(10));
        WebSocket ws = openSocket(frames);
        try {
            List<String> received = new ArrayList<>();
            String since = anchor;
            int pages = 0;
            boolean hasMore = true;
            while (hasMore) {
                assertThat(pages++).as("the catch-up ends").isLessThan(20);
                ws.sendText("42" + pages + "[\"JOIN_CHAT\",{\"since\":\"" + since + "\"}]", true).get();
                String frame = frames.nextStartingWith("43" + pages + "[");
                assertThat(frame.getBytes(StandardCharsets.UTF_8).length).as("page %d on the wire", pages)
                        .isLessThanOrEqualTo(MIB);
                JsonNode ack = JSON.readTree(frame.substring(frame.indexOf('['))).get(0);
                assertThat(ack.path("ok").asBoolean()).as("page %d answered", pages).isTrue();
                assertThat(ack.get("protocolVersion").asInt()).isEqualTo(2);
                assertThat(ack.has("hasMore")).as("hasMore is always present").isTrue();
                hasMore = ack.get("hasMore").asBoolean();
                JsonNode messages = ack.get("messages");
                assertThat(messages.size()).as("every page brings something while more follow").isPositive();
                messages.forEach(m -> received.add(m.get("id").asText()));
                since = received.getLast();
            }
            assertThat(pages).as("more than one page: the size bound, not the count, cut them").isGreaterThan(1);
            assertThat(received).as("every message once, in order").containsExactlyElementsOf(expected);

            ws.sendText("4299[\"JOIN_CHAT\",{\"since\":\"" + since + "\"}]", true).get();
            JsonNode last = JSON.readTree(frames.nextStartingWith("4399[").substring(4)).get(0);
            assertThat(last.get("messages")).isEmpty();
            assertThat(last.get("hasMore").asBoolean()).isFalse();
        } finally {
            ws.abort();
        }
    }

    @Test
    void aJoinWithoutSinceAndAFullCatchUpPageStillSayHasMore() {
        try (ChatClient writer = app.writer("poison_flags")) {
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                sent.add(writer.send("light " + i).get("id").asText());
            }
            JsonNode fresh = writer.join();
            assertThat(fresh.get("protocolVersion").asInt()).isEqualTo(2);
            assertThat(fresh.get("hasMore").asBoolean()).as("the newest page: nothing follows it").isFalse();
            JsonNode caughtUp = ChatClient.ok(writer.emit("JOIN_CHAT", Map.of("since", sent.get(0))));
            assertThat(caughtUp.get("messages")).hasSize(2);
            assertThat(caughtUp.get("hasMore").asBoolean()).isFalse();
        }
    }

    /**
     * GET /api/messages with its largest page: 100 messages of 2,000 emojis, each with 20 emojis
     * of 12 reactors, would be about 1.7 MB. The page holds fewer (the newest ones), says
     * {@code hasMore}, and paging on from its oldest message brings every one of them. The
     * reactions are imported by hand, with the function operators run after editing them.
     */
    @Test
    void aHistoryPageStaysUnderOneMebibyteAndPagesOnThroughTheRest() throws Exception {
        int messages = 100;
        try (Connection c = app.sql(); var insert = c.prepareStatement("""
                    INSERT INTO messages (id, content, sender_id, sender_name, reactions, created_at)
                    SELECT gen_random_uuid(), ?, gen_random_uuid(), 'poison',
                           (SELECT jsonb_object_agg(e, (SELECT jsonb_agg(gen_random_uuid()) FROM generate_series(1, 12)))
                            FROM unnest(string_to_array(?, ' ')) AS e),
                           ?
                    FROM generate_series(1, ?) g ORDER BY g""")) {
            insert.setString(1, FULL);
            insert.setString(2, "😀 😁 😂 🤣 😃 😄 😅 😆 😉 😊 😋 😎 😍 😘 🥰 😗 😙 🥲 😚 🙂");
            insert.setObject(3, app.clock().instant().atOffset(ZoneOffset.UTC));
            insert.setInt(4, messages);
            insert.executeUpdate();
            c.createStatement().execute("SELECT rebuild_message_reactions(id) FROM messages");
        }
        List<String> sent = new ArrayList<>();
        String newestReactions;
        try (Connection c = app.sql()) {
            try (ResultSet rs = c.createStatement().executeQuery("SELECT id FROM messages ORDER BY seq")) {
                while (rs.next()) {
                    sent.add(rs.getString(1));
                }
            }
            try (ResultSet rs = c.createStatement().executeQuery(
                    "SELECT reactions::text FROM messages ORDER BY seq DESC LIMIT 1")) {
                rs.next();
                newestReactions = rs.getString(1);
            }
        }

        Http.Reply first = app.http().get("/api/messages?limit=100");
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(MIB);
        JsonNode page = first.json();
        assertThat(page.get("messages").size()).as("fewer than asked for").isLessThan(messages);
        assertThat(page.get("hasMore").asBoolean()).isTrue();
        JsonNode newest = page.get("messages").get(page.get("messages").size() - 1);
        assertThat(newest.get("id").asText()).as("the newest are kept").isEqualTo(sent.getLast());
        assertThat(newest.get("reactionCounts")).hasSize(20);
        JsonNode everyReactor = JSON.readTree(newestReactions);
        everyReactor.fields().forEachRemaining(e -> {
            assertThat(newest.at("/reactionCounts/" + e.getKey()).asInt()).isEqualTo(12);
            List<JsonNode> firstTen = new ArrayList<>();
            e.getValue().forEach(firstTen::add);
            assertThat(newest.get("reactions").get(e.getKey())).containsExactlyElementsOf(firstTen.subList(0, 10));
        });

        List<String> seen = new ArrayList<>();
        page.get("messages").forEach(m -> seen.add(m.get("id").asText()));
        while (page.get("hasMore").asBoolean()) {
            assertThat(seen.size()).isLessThan(messages);
            Http.Reply older = app.http().get("/api/messages?limit=100&before=" + seen.getFirst());
            assertThat(older.body().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(MIB);
            page = older.json();
            List<String> ids = new ArrayList<>();
            page.get("messages").forEach(m -> ids.add(m.get("id").asText()));
            seen.addAll(0, ids);
        }
        assertThat(seen).containsExactlyElementsOf(sent);
    }

    private static WebSocket openSocket(TextFrames frames) throws Exception {
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(app.baseUrl().replaceFirst("^http", "ws") + "/socket.io/?EIO=4&transport=websocket"),
                        frames)
                .get(10, TimeUnit.SECONDS);
        ws.sendText("40", true).get();
        frames.nextStartingWith("40");
        return ws;
    }
}
