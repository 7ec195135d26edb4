package org.openworldchat.reaction;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.TestApp;

class ReactionTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    private static JsonNode react(ChatClient c, String messageId, String emoji) {
        return c.emit("SEND_REACTION", Map.of("messageId", messageId, "emoji", emoji));
    }

    /** Every guest toggles at the same moment, each on its own pool thread; the acks in guest order. */
    private static List<JsonNode> reactAtOnce(List<ChatClient> guests, ExecutorService pool,
                                              IntFunction<String> messageIdOf, String emoji) {
        return reactAtOnce(guests, pool, messageIdOf, i -> emoji);
    }

    private static List<JsonNode> reactAtOnce(List<ChatClient> guests, ExecutorService pool,
                                              IntFunction<String> messageIdOf, IntFunction<String> emojiOf) {
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<JsonNode>> acks = new ArrayList<>();
        for (int i = 0; i < guests.size(); i++) {
            ChatClient c = guests.get(i);
            String messageId = messageIdOf.apply(i);
            String emoji = emojiOf.apply(i);
            acks.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return react(c, messageId, emoji);
            }, pool));
        }
        go.countDown();
        return acks.stream().map(CompletableFuture::join).toList();
    }

    @Test
    void togglesAndBroadcasts() {
        try (ChatClient alice = app.writer("react_alice"); ChatClient bob = app.writer("react_bob");
             ChatClient watcher = app.client()) {
            watcher.join();
            String id = alice.send("react to me").get("id").asText();
            String aliceId = alice.join().get("guestId").asText();
            String bobId = bob.join().get("guestId").asText();

            JsonNode first = ChatClient.ok(react(alice, id, "🔥"));
            assertThat(first.get("messageId").asText()).isEqualTo(id);
            assertThat(first.get("emoji").asText()).isEqualTo("🔥");
            assertThat(first.get("added").asBoolean()).isTrue();
            assertThat(first.get("reactionCounts").toString()).isEqualTo("{\"🔥\":1}");
            JsonNode update = watcher.next("MESSAGE_REACTION_UPDATED");
            while (!update.get("messageId").asText().equals(id)) { // a late one of another test's message
                update = watcher.next("MESSAGE_REACTION_UPDATED");
            }
            assertThat(update.get("changes")).hasSize(1);
            assertThat(update.at("/changes/0/emoji").asText()).isEqualTo("🔥");
            assertThat(update.at("/changes/0/guestId").asText()).isEqualTo(aliceId);
            assertThat(update.at("/changes/0/added").asBoolean()).isTrue();
            assertThat(update.get("reactionCounts")).isEqualTo(first.get("reactionCounts"));

            JsonNode second = ChatClient.ok(react(bob, id, "🔥"));
            assertThat(second.at("/reactionCounts/🔥").asInt()).isEqualTo(2);
            JsonNode heart = ChatClient.ok(react(bob, id, "❤"));
            assertThat(heart.get("emoji").asText()).as("stored in its emoji form").isEqualTo("❤️");
            assertThat(heart.get("reactionCounts").has("❤️")).isTrue();

            JsonNode undo = ChatClient.ok(react(alice, id, "🔥"));
            assertThat(undo.get("added").asBoolean()).isFalse();
            assertThat(undo.at("/reactionCounts/🔥").asInt()).isEqualTo(1);
            JsonNode gone = ChatClient.ok(react(bob, id, "🔥"));
            assertThat(gone.get("reactionCounts").has("🔥")).as("an emptied emoji disappears").isFalse();
            assertThat(gone.get("reactionCounts").has("❤️")).isTrue();

            JsonNode history = app.http().get("/api/messages").json().get("messages");
            JsonNode stored = history.get(history.size() - 1);
            assertThat(stored.get("reactionCounts")).isEqualTo(gone.get("reactionCounts"));
            assertThat(stored.get("reactions").toString()).isEqualTo("{\"❤️\":[\"" + bobId + "\"]}");
        }
    }

    @Test
    void refusals() {
        try (ChatClient c = app.writer("react_refuse"); ChatClient anon = app.client()) {
            String id = c.send("target").get("id").asText();
            assertThat(ChatClient.errorCode(react(c, id, "a"))).isEqualTo("INVALID_EMOJI");
            assertThat(ChatClient.errorCode(react(c, id, "🔥🔥"))).isEqualTo("INVALID_EMOJI");
            assertThat(ChatClient.errorCode(react(c, UUID.randomUUID().toString(), "🔥"))).isEqualTo("MESSAGE_NOT_FOUND");
            assertThat(ChatClient.errorCode(react(c, "nope", "🔥"))).isEqualTo("MESSAGE_NOT_FOUND");
            assertThat(ChatClient.errorCode(c.emit("SEND_REACTION", Map.of("messageId", id)))).isEqualTo("INVALID_PAYLOAD");
            assertThat(ChatClient.errorCode(c.emit("SEND_REACTION", Map.of("messageId", id, "emoji", 5)))).isEqualTo("INVALID_PAYLOAD");
            assertThat(ChatClient.errorCode(c.emit("SEND_REACTION", Map.of("emoji", "🔥")))).isEqualTo("INVALID_PAYLOAD");

            JsonNode lurking = anon.join();
            assertThat(ChatClient.errorCode(react(anon, id, "🔥"))).isEqualTo("USERNAME_REQUIRED");
            assertThat(anon.next("USERNAME_REQUIRED").get("defaultUsername").asText())
                    .isEqualTo(lurking.get("defaultUsername").asText());
            JsonNode stored = app.http().get("/api/messages").json().get("messages");
            assertThat(stored.get(stored.size() - 1).get("reactionCounts").size()).as("nothing stored").isZero();
            assertThat(react(c, id, "🔥").get("ok").asBoolean()).isTrue();
        }
    }

    @Test
    void everyKindOfEmojiRoundTripsOverTheWireAndOnlyJoinedSocketsHearOfIt() {
        try (ChatClient c = app.writer("react_kinds"); ChatClient notJoined = app.client()) {
            String id = c.send("kinds").get("id").asText();
            List<String> kinds = List.of("👍🏽", "👨‍👩‍👧", "1️⃣", "❤️", "🇫🇷", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "🏳️‍🌈");
            for (String emoji : kinds) {
                JsonNode ack = ChatClient.ok(react(c, id, emoji));
                assertThat(ack.get("emoji").asText()).as("stored as sent: %s", emoji).isEqualTo(emoji);
                assertThat(ack.get("reactionCounts").has(emoji)).as("stored as sent: %s", emoji).isTrue();
            }
            JsonNode history = app.http().get("/api/messages").json().get("messages");
            List<String> stored = new ArrayList<>();
            history.get(history.size() - 1).get("reactions").fieldNames().forEachRemaining(stored::add);
            assertThat(stored).containsExactlyInAnyOrderElementsOf(kinds);
            for (String text : List.of("1", "#", "❤︎", "👍a", "🇫")) {
                assertThat(ChatClient.errorCode(react(c, id, text))).as("refused: %s", text).isEqualTo("INVALID_EMOJI");
            }
            assertThat(notJoined.drain("MESSAGE_REACTION_UPDATED", Duration.ofMillis(300)))
                    .as("a socket that never joined hears nothing").isEmpty();
        }
    }

    @Test
    void atMostTwentyDistinctEmojis() {
        String[] emojis = "😀 😁 😂 🤣 😃 😄 😅 😆 😉 😊 😋 😎 😍 😘 🥰 😗 😙 🥲 😚 🙂 🤗".split(" ");
        try (ChatClient c = app.writer("react_many")) {
            String id = c.send("popular").get("id").asText();
            for (int i = 0; i < 20; i++) {
                ChatClient.ok(react(c, id, emojis[i]));
            }
            assertThat(ChatClient.errorCode(react(c, id, emojis[20]))).isEqualTo("TOO_MANY_REACTIONS");
            JsonNode undo = ChatClient.ok(react(c, id, emojis[0]));
            assertThat(undo.get("reactionCounts")).hasSize(19);
            assertThat(ChatClient.ok(react(c, id, emojis[20])).get("reactionCounts")).hasSize(20);
        }
    }

    /**
     * Emojis are listed in the order PostgreSQL keeps jsonb keys (shorter first), by a toggle's
     * answer as by history, so that a reaction bar does not reorder itself on reload or from one
     * node to the next.
     */
    @Test
    void emojisAreListedInTheOrderTheDatabaseKeeps() throws Exception {
        List<String> added = List.of("🇫🇷", "👍🏽", "🔥", "✨", "❤️", "😀");
        try (ChatClient c = app.writer("react_order")) {
            String id = c.send("order").get("id").asText();
            for (String emoji : added) {
                ChatClient.ok(react(c, id, emoji));
            }
            List<String> stored = new ArrayList<>();
            try (Connection sql = app.sql(); ResultSet rs = sql.createStatement().executeQuery(
                    "SELECT jsonb_object_keys(reactions) FROM messages WHERE id = '" + id + "'")) {
                while (rs.next()) {
                    stored.add(rs.getString(1));
                }
            }
            assertThat(stored).containsExactlyInAnyOrderElementsOf(added).isNotEqualTo(added);

            JsonNode history = app.http().get("/api/messages").json().get("messages");
            JsonNode last = history.get(history.size() - 1);
            assertThat(fieldNames(last.get("reactions"))).isEqualTo(stored);
            assertThat(fieldNames(last.get("reactionCounts"))).isEqualTo(stored);

            MessageReactions folded = new MessageReactions(Map.of());
            UUID guest = UUID.randomUUID();
            added.forEach(emoji -> folded.toggle(emoji, guest, ReactionService.MAX_EMOJIS_PER_MESSAGE));
            assertThat(List.copyOf(folded.counts().keySet())).isEqualTo(stored);
        }
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Toggles that arrive together for the last free emoji slot: exactly one gets it. */
    @Test
    void theLastFreeEmojiSlotGoesToOneOfTheTogglesThatArriveTogether() throws Exception {
        String[] taken = "😀 😁 😂 🤣 😃 😄 😅 😆 😉 😊 😋 😎 😍 😘 🥰 😗 😙 🥲 😚".split(" ");
        String[] contenders = "🍎 🍐 🍊 🍋 🍌 🍉 🍇 🍓".split(" ");
        List<ChatClient> guests = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(contenders.length);
        try (ChatClient author = app.writer("react_slot")) {
            String id = author.send("nearly full").get("id").asText();
            for (String emoji : taken) {
                ChatClient.ok(react(author, id, emoji));
            }
            for (int i = 0; i < contenders.length; i++) {
                guests.add(app.writer("slot_" + i));
            }
            List<JsonNode> results = reactAtOnce(guests, pool, i -> id, i -> contenders[i]);
            assertThat(results.stream().filter(a -> a.path("ok").asBoolean())).hasSize(1);
            assertThat(results.stream().map(a -> a.at("/error/code").asText()).filter("TOO_MANY_REACTIONS"::equals))
                    .hasSize(contenders.length - 1);
            JsonNode history = app.http().get("/api/messages").json().get("messages");
            JsonNode stored = null;
            for (JsonNode m : history) {
                if (m.get("id").asText().equals(id)) {
                    stored = m.get("reactionCounts");
                }
            }
            assertThat(stored).hasSize(20);
        } finally {
            guests.forEach(ChatClient::close);
            pool.shutdownNow();
        }
    }

    @Test
    void expiredMessagesTakeNoReactions() throws Exception {
        try (ChatClient c = app.writer("react_late")) {
            String id = c.send("soon gone").get("id").asText();
            try (Connection sql = app.sql()) {
                sql.createStatement().executeUpdate(
                        "UPDATE messages SET created_at = now() - interval '2 days' WHERE id = '" + id + "'");
            }
            assertThat(ChatClient.errorCode(react(c, id, "🔥"))).isEqualTo("MESSAGE_NOT_FOUND");
        }
    }

    @Test
    void hundredConcurrentTogglesLoseNothingAndKeepArrivalOrder() throws Exception {
        int n = 100;
        String id;
        List<ChatClient> guests = new ArrayList<>();
        List<String> guestIds = new ArrayList<>();
        try (ChatClient author = app.writer("react_hot")) {
            id = author.send("hot message").get("id").asText();
        }
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<CompletableFuture<ChatClient>> connecting = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                connecting.add(CompletableFuture.supplyAsync(() -> app.writer("hot_" + k), pool));
            }
            for (CompletableFuture<ChatClient> f : connecting) {
                ChatClient c = f.join();
                guests.add(c);
                guestIds.add(c.join().get("guestId").asText());
            }
            List<JsonNode> results = reactAtOnce(guests, pool, i -> id, "👍");

            List<String> stored = new ArrayList<>();
            try (Connection sql = app.sql(); ResultSet rs = sql.createStatement().executeQuery(
                    "SELECT jsonb_array_elements_text(reactions -> '👍') FROM messages WHERE id = '" + id + "'")) {
                while (rs.next()) {
                    stored.add(rs.getString(1));
                }
            }
            assertThat(stored).hasSize(n).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(guestIds);
            JsonNode listed = app.http().get("/api/messages/" + id + "/reactions?emoji=%F0%9F%91%8D&limit=100").json();
            List<String> paged = new ArrayList<>();
            listed.get("guestIds").forEach(g -> paged.add(g.asText()));
            assertThat(paged).as("the reactors endpoint lists them in the stored order").isEqualTo(stored);
            // Each toggle saw the list as the toggles before it left it, with itself appended: its
            // ack counts the guests up to and including itself in the stored order.
            for (int i = 0; i < n; i++) {
                JsonNode ack = ChatClient.ok(results.get(i));
                assertThat(ack.get("added").asBoolean()).isTrue();
                assertThat(ack.at("/reactionCounts/👍").asInt()).isEqualTo(stored.indexOf(guestIds.get(i)) + 1);
            }
        } finally {
            guests.forEach(ChatClient::close);
            pool.shutdownNow();
        }
    }

    /**
     * Toggles that arrive together are applied in one transaction. A refused one among them (an
     * unknown message) is refused alone, the others apply, and the room hears the committed state.
     */
    @Test
    void togglesAppliedTogetherAreRefusedOneByOneAndAnnouncedAsCommitted() throws Exception {
        int n = 30;
        List<ChatClient> guests = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try (ChatClient author = app.writer("react_mixed"); ChatClient watcher = app.client()) {
            watcher.join();
            String id = author.send("mixed batch").get("id").asText();
            String unknown = UUID.randomUUID().toString();
            for (int i = 0; i < n; i++) {
                guests.add(app.writer("mixed_" + i));
            }
            List<JsonNode> acks = reactAtOnce(guests, pool, i -> i % 3 == 0 ? unknown : id, "🎉");
            int applied = 0;
            for (int i = 0; i < n; i++) {
                JsonNode ack = acks.get(i);
                if (i % 3 == 0) {
                    assertThat(ChatClient.errorCode(ack)).isEqualTo("MESSAGE_NOT_FOUND");
                } else {
                    assertThat(ChatClient.ok(ack).at("/reactionCounts/🎉").asInt()).isPositive();
                    applied++;
                }
            }
            JsonNode last = null;
            int seen = 0;
            while (seen < applied) {
                last = watcher.next("MESSAGE_REACTION_UPDATED");
                if (last.get("messageId").asText().equals(id)) { // not a late one of another test's message
                    seen += last.get("changes").size();
                }
            }
            assertThat(seen).as("every applied toggle is announced, none that was refused").isEqualTo(applied);
            assertThat(last.at("/reactionCounts/🎉").asInt()).as("the announced state holds every applied toggle")
                    .isEqualTo(applied);
        } finally {
            guests.forEach(ChatClient::close);
            pool.shutdownNow();
        }
    }
}
