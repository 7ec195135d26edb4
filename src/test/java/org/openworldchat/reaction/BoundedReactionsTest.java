package org.openworldchat.reaction;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.Http;
import org.openworldchat.support.TestApp;

/**
 * However many guests react, what the server sends stays small: acks and broadcasts are deltas
 * with exact counts, message objects list at most the first 10 reactors of each emoji, and the
 * reactors endpoint pages through all of them. Every reactor is still stored.
 */
class BoundedReactionsTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int GUESTS = 50;
    /** In the order PostgreSQL keeps them as jsonb keys (equal length, then bytewise). */
    private static final List<String> EMOJIS = List.of("🎉", "👍", "🔥");

    private static final List<ChatClient> guests = new ArrayList<>();
    private static final List<String> guestIds = new ArrayList<>();
    private static ChatClient author;

    @BeforeAll
    static void guests() {
        author = app.writer("bounded_author");
        for (int i = 0; i < GUESTS; i++) {
            ChatClient c = app.writer("bounded_" + i);
            guests.add(c);
            guestIds.add(c.join().get("guestId").asText());
        }
    }

    @AfterAll
    static void leave() {
        guests.forEach(ChatClient::close);
        author.close();
    }

    private static JsonNode react(ChatClient c, String messageId, String emoji) {
        return c.emit("SEND_REACTION", Map.of("messageId", messageId, "emoji", emoji));
    }

    private static int bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node).length;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The next reaction update of one message, skipping late ones of messages of other tests. */
    private static JsonNode nextUpdate(ChatClient watcher, String messageId) {
        JsonNode update;
        do {
            update = watcher.next("MESSAGE_REACTION_UPDATED");
        } while (!update.get("messageId").asText().equals(messageId));
        return update;
    }

    @Test
    void aMessageWithManyReactorsIsSentSmallEverywhere() throws Exception {
        try (ChatClient watcher = app.client()) {
            watcher.join();
            JsonNode sent = author.send("popular");
            String id = sent.get("id").asText();
            JsonNode announced = watcher.next("NEW_MESSAGE");
            assertThat(announced.get("reactionCounts")).isEmpty();
            assertThat(announced.get("myReactions")).isEmpty();
            assertThat(sent.get("myReactions")).isEmpty();

            List<String> expectedChanges = new ArrayList<>();
            for (int i = 0; i < GUESTS; i++) {
                for (String emoji : EMOJIS) {
                    JsonNode ack = ChatClient.ok(react(guests.get(i), id, emoji));
                    assertThat(fieldNames(ack)).containsExactlyInAnyOrder("ok", "messageId", "emoji", "added", "reactionCounts");
                    assertThat(ack.get("emoji").asText()).isEqualTo(emoji);
                    assertThat(ack.get("added").asBoolean()).isTrue();
                    assertThat(ack.at("/reactionCounts/" + emoji).asInt()).as("exact, as this toggle left it").isEqualTo(i + 1);
                    assertThat(bytes(ack)).isLessThan(512);
                    expectedChanges.add(emoji + " " + guestIds.get(i) + " true");
                }
            }

            List<String> changes = new ArrayList<>();
            JsonNode last = null;
            while (changes.size() < expectedChanges.size()) {
                JsonNode update = nextUpdate(watcher, id);
                assertThat(fieldNames(update)).containsExactlyInAnyOrder("messageId", "changes", "reactionCounts");
                assertThat(update.get("messageId").asText()).isEqualTo(id);
                assertThat(update.get("changes").size()).isBetween(1, 20);
                assertThat(bytes(update)).as("a delta, whatever the history").isLessThanOrEqualTo(2048);
                update.get("changes").forEach(c -> changes.add(
                        c.get("emoji").asText() + " " + c.get("guestId").asText() + " " + c.get("added").asBoolean()));
                last = update;
            }
            assertThat(changes).as("every change, in the order applied").containsExactlyElementsOf(expectedChanges);
            JsonNode finalCounts = last.get("reactionCounts");
            assertThat(finalCounts).isEqualTo(counts(Map.of("🎉", GUESTS, "👍", GUESTS, "🔥", GUESTS)));

            List<String> firstTen = guestIds.subList(0, 10);
            Map<String, JsonNode> histories = new LinkedHashMap<>();
            try (ChatClient reader = app.client()) {
                histories.put("JOIN_CHAT", find(reader.join().get("messages"), id));
            }
            histories.put("GET /api/messages", find(app.http().get("/api/messages").json().get("messages"), id));
            histories.forEach((where, m) -> {
                assertThat(m.get("reactionCounts")).as(where).isEqualTo(finalCounts);
                assertThat(fieldNames(m.get("reactions"))).as(where).containsExactlyInAnyOrderElementsOf(EMOJIS);
                for (String emoji : EMOJIS) {
                    assertThat(texts(m.get("reactions").get(emoji))).as(where + ": the first ten, first reacted first")
                            .containsExactlyElementsOf(firstTen);
                }
                assertThat(m.get("myReactions")).as(where + ": a reader that did not react").isEmpty();
                assertThat(bytes(m)).as(where).isLessThan(2048);
            });
            JsonNode mine = find(guests.get(GUESTS - 1).join().get("messages"), id);
            assertThat(texts(mine.get("myReactions"))).as("the last reactor is not among the ten listed, yet knows its own")
                    .containsExactlyElementsOf(EMOJIS);
            assertThat(fieldNames(find(app.http().get("/api/messages").json().get("messages"), id).get("reactionCounts")))
                    .as("emojis in the order the database keeps them").containsExactlyElementsOf(EMOJIS);

            Map<String, List<String>> stored = stored(id);
            assertThat(stored.keySet()).containsExactlyElementsOf(EMOJIS);
            stored.values().forEach(ids -> assertThat(ids).as("every reactor is stored").containsExactlyElementsOf(guestIds));
        }
    }

    @Test
    void myReactionsAreTheReadersOwn() throws Exception {
        ChatClient a = guests.get(0);
        ChatClient b = guests.get(1);
        String cookieA = Http.cookiePair(a.issuedCookie());
        String id = author.send("whose reactions").get("id").asText();
        ChatClient.ok(react(a, id, "🔥"));
        ChatClient.ok(react(a, id, "🎉"));
        ChatClient.ok(react(b, id, "👍"));

        assertThat(texts(find(a.join().get("messages"), id).get("myReactions"))).containsExactly("🎉", "🔥");
        assertThat(texts(find(b.join().get("messages"), id).get("myReactions"))).containsExactly("👍");
        assertThat(texts(find(history(cookieA), id).get("myReactions"))).as("GET with the guest's cookie")
                .containsExactly("🎉", "🔥");
        assertThat(find(history(null), id).get("myReactions")).as("GET without a cookie").isEmpty();
        assertThat(find(history("owc_guest=" + UUID.randomUUID()), id).get("myReactions")).as("GET with a forged cookie")
                .isEmpty();

        ChatClient.ok(react(a, id, "🔥"));
        assertThat(texts(find(history(cookieA), id).get("myReactions"))).as("toggled off").containsExactly("🎉");
        assertThat(find(history(cookieA), id).get("reactionCounts")).isEqualTo(counts(Map.of("🎉", 1, "👍", 1)));
    }

    @Test
    void theReactorsEndpointPagesThroughEveryReactorFirstReactedFirst() throws Exception {
        String id = author.send("who reacted").get("id").asText();
        for (int i = 0; i < GUESTS; i++) {
            ChatClient.ok(react(guests.get(i), id, "❤️"));
        }
        List<String> paged = new ArrayList<>();
        String after = null;
        boolean hasMore = true;
        while (hasMore) {
            assertThat(paged.size()).isLessThan(GUESTS);
            Http.Reply reply = app.http().get(reactors(id, "❤️") + "&limit=7" + (after == null ? "" : "&after=" + after));
            assertThat(reply.status()).isEqualTo(200);
            JsonNode page = reply.json();
            assertThat(fieldNames(page)).containsExactlyInAnyOrder("guestIds", "hasMore");
            assertThat(page.get("guestIds").size()).isBetween(1, 7);
            paged.addAll(texts(page.get("guestIds")));
            after = paged.getLast();
            hasMore = page.get("hasMore").asBoolean();
        }
        assertThat(paged).containsExactlyElementsOf(guestIds);

        JsonNode whole = app.http().get(reactors(id, "❤")).json();
        assertThat(texts(whole.get("guestIds"))).as("50 by default; ❤ is ❤️").containsExactlyElementsOf(guestIds);
        assertThat(whole.get("hasMore").asBoolean()).isFalse();
        assertThat(app.http().get(reactors(id, "❤️") + "&limit=49").json().get("hasMore").asBoolean()).isTrue();
        JsonNode nobody = app.http().get(reactors(id, "🦄")).json();
        assertThat(nobody.get("guestIds")).isEmpty();
        assertThat(nobody.get("hasMore").asBoolean()).isFalse();

        for (String query : List.of("", "?emoji=a", "?emoji=%F0%9F%94%A5%F0%9F%94%A5", "?emoji=%E2%9D%A4&limit=0",
                "?emoji=%E2%9D%A4&limit=101", "?emoji=%E2%9D%A4&limit=x", "?emoji=%E2%9D%A4&after=nope")) {
            Http.Reply bad = app.http().get("/api/messages/" + id + "/reactions" + query);
            assertThat(bad.status()).as(query).isEqualTo(400);
            assertThat(bad.json().at("/error/code").asText()).as(query).isEqualTo("INVALID_PAYLOAD");
        }
        for (String unknown : List.of(UUID.randomUUID().toString(), "not-a-message")) {
            Http.Reply missing = app.http().get(reactors(unknown, "❤️"));
            assertThat(missing.status()).as(unknown).isEqualTo(404);
            assertThat(missing.json().at("/error/code").asText()).isEqualTo("MESSAGE_NOT_FOUND");
        }
        try (Connection sql = app.sql()) {
            sql.createStatement().executeUpdate(
                    "UPDATE messages SET created_at = now() - interval '2 days' WHERE id = '" + id + "'");
        }
        assertThat(app.http().get(reactors(id, "❤️")).status()).as("an expired message").isEqualTo(404);
    }

    /**
     * A guest that takes its reaction back and gives it again (two toggles sent without waiting,
     * so usually applied in one batch) moves to the end of the emoji's reactors: in the stored
     * reactions, in the reactors endpoint and in the first reactors a message lists alike.
     */
    @Test
    void aReactionTakenBackAndGivenAgainMovesToTheEndEverywhere() throws Exception {
        String id = author.send("again").get("id").asText();
        for (int i = 0; i < 3; i++) {
            ChatClient.ok(react(guests.get(i), id, "👀"));
        }
        CompletableFuture<JsonNode> off = guests.get(0).emitAsync("SEND_REACTION", Map.of("messageId", id, "emoji", "👀"));
        CompletableFuture<JsonNode> on = guests.get(0).emitAsync("SEND_REACTION", Map.of("messageId", id, "emoji", "👀"));
        assertThat(ChatClient.ok(off.get()).get("added").asBoolean()).isFalse();
        assertThat(ChatClient.ok(on.get()).get("added").asBoolean()).isTrue();

        List<String> expected = List.of(guestIds.get(1), guestIds.get(2), guestIds.get(0));
        assertThat(stored(id).get("👀")).isEqualTo(expected);
        assertThat(texts(app.http().get(reactors(id, "👀")).json().get("guestIds"))).isEqualTo(expected);
        assertThat(texts(find(history(null), id).get("reactions").get("👀"))).isEqualTo(expected);
        assertThat(find(history(null), id).at("/reactionCounts/👀").asInt()).isEqualTo(3);
    }

    /**
     * Guests toggle at once, some twice (on, then off again). A watcher that applies the deltas in
     * the order received ends with exactly the stored reactors, and each event's counts are those
     * of the changes it has seen so far.
     */
    @Test
    void deltasAppliedInOrderRebuildTheStoredReactions() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(GUESTS);
        try (ChatClient watcher = app.client()) {
            watcher.join();
            String id = author.send("busy").get("id").asText();
            Random random = new Random(7);
            List<List<String>> plans = new ArrayList<>();
            for (int i = 0; i < GUESTS; i++) {
                String emoji = EMOJIS.get(random.nextInt(EMOJIS.size()));
                plans.add(random.nextInt(3) == 0 ? List.of(emoji, emoji) : List.of(emoji));
            }
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int i = 0; i < GUESTS; i++) {
                ChatClient c = guests.get(i);
                List<String> plan = plans.get(i);
                done.add(CompletableFuture.runAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    plan.forEach(emoji -> ChatClient.ok(react(c, id, emoji)));
                }, pool));
            }
            go.countDown();
            done.forEach(CompletableFuture::join);
            int toggles = plans.stream().mapToInt(List::size).sum();

            Map<String, LinkedHashSet<String>> model = new HashMap<>();
            int seen = 0;
            while (seen < toggles) {
                JsonNode update = nextUpdate(watcher, id);
                assertThat(update.get("changes").size()).isBetween(1, 20);
                for (JsonNode change : update.get("changes")) {
                    LinkedHashSet<String> reactors = model.computeIfAbsent(change.get("emoji").asText(), e -> new LinkedHashSet<>());
                    String guest = change.get("guestId").asText();
                    if (change.get("added").asBoolean()) {
                        assertThat(reactors.add(guest)).as("added once").isTrue();
                    } else {
                        assertThat(reactors.remove(guest)).as("removed what was there").isTrue();
                    }
                    seen++;
                }
                model.values().removeIf(LinkedHashSet::isEmpty);
                Map<String, Integer> counts = new HashMap<>();
                model.forEach((emoji, reactors) -> counts.put(emoji, reactors.size()));
                assertThat(update.get("reactionCounts")).as("the counts after the changes of this event")
                        .isEqualTo(counts(counts));
            }
            Map<String, List<String>> stored = stored(id);
            assertThat(stored.keySet()).containsExactlyInAnyOrderElementsOf(model.keySet());
            stored.forEach((emoji, ids) -> assertThat(ids).as(emoji).containsExactlyElementsOf(model.get(emoji)));
            assertThat(watcher.drain("MESSAGE_REACTION_UPDATED", Duration.ofMillis(300)).stream()
                    .filter(u -> u.get("messageId").asText().equals(id))).as("nothing more").isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    /** One guest toggles the same emoji many times without waiting: the deltas keep the order of the acks. */
    @Test
    void coalescedChangesKeepTheOrderTheyWereApplied() throws Exception {
        ChatClient eager = guests.get(2);
        String guest = guestIds.get(2);
        try (ChatClient watcher = app.client()) {
            watcher.join();
            String id = author.send("flicker").get("id").asText();
            List<CompletableFuture<JsonNode>> pending = new ArrayList<>();
            for (int i = 0; i < 15; i++) {
                pending.add(eager.emitAsync("SEND_REACTION", Map.of("messageId", id, "emoji", "🔥")));
            }
            List<Boolean> acked = new ArrayList<>();
            for (CompletableFuture<JsonNode> ack : pending) {
                acked.add(ChatClient.ok(ack.get()).get("added").asBoolean());
            }
            assertThat(acked).as("on, off, on, …").containsExactly(true, false, true, false, true, false, true, false,
                    true, false, true, false, true, false, true);
            List<Boolean> announced = new ArrayList<>();
            JsonNode last = null;
            while (announced.size() < acked.size()) {
                last = nextUpdate(watcher, id);
                for (JsonNode change : last.get("changes")) {
                    assertThat(change.get("guestId").asText()).isEqualTo(guest);
                    announced.add(change.get("added").asBoolean());
                }
            }
            assertThat(announced).containsExactlyElementsOf(acked);
            assertThat(last.get("reactionCounts")).isEqualTo(counts(Map.of("🔥", 1)));
        }
    }

    private static String reactors(String messageId, String emoji) {
        return "/api/messages/" + messageId + "/reactions?emoji=" + URLEncoder.encode(emoji, StandardCharsets.UTF_8);
    }

    private static JsonNode history(String cookie) {
        return (cookie == null ? app.http().get("/api/messages") : app.http().get("/api/messages", "Cookie", cookie))
                .json().get("messages");
    }

    private static JsonNode find(JsonNode messages, String id) {
        for (JsonNode m : messages) {
            if (m.get("id").asText().equals(id)) {
                return m;
            }
        }
        throw new AssertionError("message " + id + " not in " + messages.size() + " messages");
    }

    /** Counts as the server writes them: emojis in jsonb key order. */
    private static JsonNode counts(Map<String, Integer> counts) {
        Map<String, Integer> ordered = new LinkedHashMap<>();
        EMOJIS.forEach(e -> {
            if (counts.containsKey(e)) {
                ordered.put(e, counts.get(e));
            }
        });
        return JSON.valueToTree(ordered);
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** messages.reactions as stored: emoji to every reactor, in order. */
    private static Map<String, List<String>> stored(String id) throws Exception {
        try (Connection sql = app.sql();
             PreparedStatement select = sql.prepareStatement("SELECT reactions::text FROM messages WHERE id = ?::uuid")) {
            select.setString(1, id);
            try (ResultSet rs = select.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return JSON.readValue(rs.getString(1), new com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, List<String>>>() {
                });
            }
        }
    }
}
