package org.openworldchat.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.Http;
import org.openworldchat.support.TestApp;
import org.openworldchat.support.TestImages;

class SendMessageTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @Test
    void storesBeforeAckAndBroadcastsToJoinedSocketsOnly() throws Exception {
        try (ChatClient alice = app.writer("alice_sm"); ChatClient reader = app.client();
             ChatClient lurker = app.client()) {
            reader.join();
            JsonNode message = alice.send("hello world");

            assertThat(message.get("content").asText()).isEqualTo("hello world");
            assertThat(message.get("senderName").asText()).isEqualTo("alice_sm");
            assertThat(message.get("imageUrl").isNull()).isTrue();
            assertThat(message.get("replyTo").isNull()).isTrue();
            assertThat(message.get("reactions").isEmpty()).isTrue();
            assertThat(message.get("createdAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
            try (Connection c = app.sql(); ResultSet rs = c.createStatement().executeQuery(
                    "SELECT content FROM messages WHERE id = '" + message.get("id").asText() + "'")) {
                assertThat(rs.next()).as("stored before the ack").isTrue();
                assertThat(rs.getString(1)).isEqualTo("hello world");
            }
            assertThat(reader.next("NEW_MESSAGE").get("id")).isEqualTo(message.get("id"));
            assertThat(alice.next("NEW_MESSAGE").get("id")).as("the sender's own socket too").isEqualTo(message.get("id"));
            assertThat(lurker.drain("NEW_MESSAGE", Duration.ofMillis(300))).as("not joined").isEmpty();
        }
    }

    /**
     * A client that sends without waiting for each ack (its writes then share batches) still has
     * its messages stored in the order it sent them, each acked once with its own message.
     */
    @Test
    void sendsPipelinedByOneSocketAreStoredInTheOrderSent() {
        int n = 60;
        try (ChatClient c = app.writer("pipelined")) {
            List<CompletableFuture<JsonNode>> acks = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                acks.add(c.emitAsync("SEND_MESSAGE", Map.of("content", "pipelined " + i)));
            }
            List<String> ackedContents = new ArrayList<>();
            for (CompletableFuture<JsonNode> ack : acks) {
                ackedContents.add(ChatClient.ok(ack.orTimeout(10, TimeUnit.SECONDS).join()).at("/message/content").asText());
            }
            List<String> sent = IntStream.range(0, n).mapToObj(i -> "pipelined " + i).toList();
            assertThat(ackedContents).containsExactlyInAnyOrderElementsOf(sent);
            JsonNode history = app.http().get("/api/messages?limit=100").json().get("messages");
            List<String> stored = new ArrayList<>();
            history.forEach(m -> {
                if (m.get("content").asText().startsWith("pipelined ")) {
                    stored.add(m.get("content").asText());
                }
            });
            assertThat(stored).isEqualTo(sent);
        }
    }

    @Test
    void refusesWritersWithoutUsername() throws Exception {
        try (ChatClient anon = app.client()) {
            anon.join();
            JsonNode ack = anon.emit("SEND_MESSAGE", Map.of("content", "hi", "clientMessageId", UUID.randomUUID().toString()));
            assertThat(ack.get("ok").asBoolean()).isFalse();
            assertThat(ack.at("/error/code").asText()).isEqualTo("USERNAME_REQUIRED");
            assertThat(anon.next("USERNAME_REQUIRED").get("defaultUsername").asText()).startsWith("Guest_");
            try (Connection c = app.sql(); ResultSet rs = c.createStatement().executeQuery(
                    "SELECT count(*) FROM messages WHERE content = 'hi'")) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
        }
    }

    @Test
    void unknownEventAndMissingCallback() {
        try (ChatClient client = app.client()) {
            JsonNode ack = client.emit("NO_SUCH_EVENT", Map.of("x", 1));
            assertThat(ack.at("/error/code").asText()).isEqualTo("UNKNOWN_EVENT");
            client.emitNoAck("NO_SUCH_EVENT", null);
            JsonNode error = client.next("ERROR");
            assertThat(error.get("code").asText()).isEqualTo("UNKNOWN_EVENT");
            assertThat(error.get("event").asText()).isEqualTo("NO_SUCH_EVENT");
            client.emitNoAck("SEND_MESSAGE", "not an object");
            assertThat(client.next("ERROR").get("code").asText()).isEqualTo("INVALID_PAYLOAD");
        }
    }

    @Test
    void clientMessageIdMakesRetriesIdempotent() {
        try (ChatClient bob = app.writer("bob_sm")) {
            Map<String, Object> payload = new HashMap<>();
            payload.put("content", "once");
            payload.put("clientMessageId", UUID.randomUUID().toString());
            JsonNode first = ChatClient.ok(bob.emit("SEND_MESSAGE", payload)).get("message");
            JsonNode second = ChatClient.ok(bob.emit("SEND_MESSAGE", payload)).get("message");
            assertThat(second.get("id")).isEqualTo(first.get("id"));
            assertThat(bob.drain("NEW_MESSAGE", Duration.ofMillis(300))).hasSize(1);
        }
    }

    /**
     * The rule for a retry whose first attempt was stored but maybe never announced (the node
     * stopped between the commit and the broadcast): the retry returns the stored message and
     * announces it, once.
     */
    @Test
    void aRetryOfAStoredButUnannouncedMessageReturnsItAndAnnouncesItOnce() throws Exception {
        try (ChatClient erin = app.writer("erin_retry"); ChatClient reader = app.client()) {
            reader.join();
            UUID guestId = UUID.fromString(erin.join().get("guestId").asText());
            UUID clientId = UUID.randomUUID();
            Instant storedAt = app.clock().instant().truncatedTo(ChronoUnit.MILLIS);
            UUID id = insertFirstAttempt(guestId, "erin_retry", clientId, "stored, never announced", storedAt);

            Map<String, Object> retry = payload("content", "stored, never announced", "clientMessageId", clientId.toString());
            JsonNode acked = ChatClient.ok(erin.emit("SEND_MESSAGE", retry)).get("message");
            assertThat(acked.get("id").asText()).isEqualTo(id.toString());
            assertThat(acked.get("content").asText()).isEqualTo("stored, never announced");
            assertThat(acked.get("clientMessageId").asText()).isEqualTo(clientId.toString());
            assertThat(Instant.parse(acked.get("createdAt").asText())).as("the first attempt's time").isEqualTo(storedAt);

            List<JsonNode> heard = reader.drain("NEW_MESSAGE", Duration.ofMillis(500));
            assertThat(heard).hasSize(1);
            assertThat(heard.get(0).get("id").asText()).isEqualTo(id.toString());
            assertThat(erin.drain("NEW_MESSAGE", Duration.ZERO)).as("the sender's own socket, once").hasSize(1);

            // Another retry of the same message is answered the same way and announced no more.
            assertThat(ChatClient.ok(erin.emit("SEND_MESSAGE", retry)).at("/message/id").asText()).isEqualTo(id.toString());
            assertThat(reader.drain("NEW_MESSAGE", Duration.ofMillis(500))).isEmpty();
            assertThat(countMessagesOf(guestId)).isEqualTo(1);
        }
    }

    /**
     * A retry whose first attempt is older than the TTL, and still in the table because the
     * cleanup has not run: expired messages are never returned, so it is refused with
     * MESSAGE_NOT_FOUND, nothing is stored and nothing is announced, whether the first attempt
     * was announced back then or not.
     */
    @Test
    void aRetryAfterTheFirstAttemptExpiredIsRefusedAndNeverAnnounced() throws Exception {
        try (ChatClient dana = app.writer("dana_late"); ChatClient reader = app.client()) {
            reader.join();
            UUID guestId = UUID.fromString(dana.join().get("guestId").asText());
            Map<String, Object> announced = payload("content", "said long ago", "clientMessageId", UUID.randomUUID().toString());
            String announcedId = ChatClient.ok(dana.emit("SEND_MESSAGE", announced)).at("/message/id").asText();
            UUID quietClientId = UUID.randomUUID();
            UUID quietId = insertFirstAttempt(guestId, "dana_late", quietClientId, "stored long ago, never announced",
                    app.clock().instant());
            assertThat(reader.drain("NEW_MESSAGE", Duration.ofMillis(300))).hasSize(1);
            dana.drain("NEW_MESSAGE", Duration.ZERO);

            app.clock().advance(Duration.ofHours(24).plusSeconds(1));

            JsonNode late = dana.emit("SEND_MESSAGE", announced);
            assertThat(ChatClient.errorCode(late)).isEqualTo("MESSAGE_NOT_FOUND");
            assertThat(late.toString()).doesNotContain(announcedId).doesNotContain("said long ago");
            JsonNode quiet = dana.emit("SEND_MESSAGE",
                    payload("content", "stored long ago, never announced", "clientMessageId", quietClientId.toString()));
            assertThat(ChatClient.errorCode(quiet)).isEqualTo("MESSAGE_NOT_FOUND");
            assertThat(quiet.toString()).doesNotContain(quietId.toString());

            assertThat(reader.drain("NEW_MESSAGE", Duration.ofMillis(500))).as("no expired message announced").isEmpty();
            assertThat(dana.drain("NEW_MESSAGE", Duration.ZERO)).isEmpty();
            assertThat(countMessagesOf(guestId)).as("nothing new stored").isEqualTo(2);
        }
    }

    /** A row as a first attempt leaves it when the node stops between its commit and its broadcast. */
    private static UUID insertFirstAttempt(UUID senderId, String senderName, UUID clientMessageId, String content,
                                           Instant createdAt) throws Exception {
        UUID id = UUID.randomUUID();
        try (Connection c = app.sql(); var insert = c.prepareStatement("""
                INSERT INTO messages (id, content, sender_id, sender_name, client_message_id, created_at)
                VALUES (?, ?, ?, ?, ?, ?)""")) {
            insert.setObject(1, id);
            insert.setString(2, content);
            insert.setObject(3, senderId);
            insert.setString(4, senderName);
            insert.setObject(5, clientMessageId);
            insert.setObject(6, createdAt.atOffset(ZoneOffset.UTC));
            insert.executeUpdate();
        }
        return id;
    }

    private static int countMessagesOf(UUID senderId) throws Exception {
        try (Connection c = app.sql(); var count = c.prepareStatement("SELECT count(*) FROM messages WHERE sender_id = ?")) {
            count.setObject(1, senderId);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static Map<String, Object> payload(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void normalizesContentAndKeepsHtmlAsText() {
        try (ChatClient c = app.writer("norma")) {
            assertThat(c.send("  Rene\u0301 \u202Eevil\u0000 ").get("content").asText()).isEqualTo("René evil");
            assertThat(c.send("<b>bold</b> <img src=x onerror=alert(1)>").get("content").asText())
                    .isEqualTo("<b>bold</b> <img src=x onerror=alert(1)>");
            assertThat(c.send("two\nlines").get("content").asText()).isEqualTo("two\nlines");
        }
    }

    @Test
    void refusesEmptyAndOverlongMessages() {
        try (ChatClient c = app.writer("limits")) {
            assertThat(ChatClient.errorCode(c.emit("SEND_MESSAGE", payload("content", "   \u0000\u202E ")))).isEqualTo("EMPTY_MESSAGE");
            assertThat(ChatClient.errorCode(c.emit("SEND_MESSAGE", payload("content", "\u00a0\u202f")))).isEqualTo("EMPTY_MESSAGE");
            assertThat(ChatClient.errorCode(c.emit("SEND_MESSAGE", payload()))).isEqualTo("EMPTY_MESSAGE");
            assertThat(ChatClient.errorCode(c.emit("SEND_MESSAGE", payload("content", "x".repeat(2001))))).isEqualTo("MESSAGE_TOO_LONG");
            // 2000 code points are fine even when each takes two UTF-16 units.
            assertThat(c.send("😀".repeat(2000)).get("content").asText()).hasSize(4000);
        }
    }

    /** Messages the security test sent that showed nothing: zero-width space, Hangul filler, blank Braille. */
    @Test
    void aMessageOfOnlyInvisibleCharactersIsEmpty() {
        try (ChatClient c = app.writer("ghost_writer")) {
            for (String invisible : new String[]{"\u200b", "\u3164", "\u2800", "\u200b\u3164\u2800", "\u2800 \u200b\n\u3164"}) {
                assertThat(ChatClient.errorCode(c.emit("SEND_MESSAGE", payload("content", invisible))))
                        .as("U+%04X", invisible.codePointAt(0)).isEqualTo("EMPTY_MESSAGE");
            }
            assertThat(c.send("\u2764\ufe0f").get("content").asText()).as("a joiner or selector beside a glyph stays")
                    .isEqualTo("\u2764\ufe0f");
            // With an image the message is not empty; the invisible text goes.
            TestImages.Multipart form = TestImages.multipart("image", "a.png", "image/png", TestImages.png(4, 4));
            String imageUrl = app.http().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(app.baseUrl() + "/api/uploads"))
                    .header("Cookie", Http.cookiePair(c.issuedCookie())).header("Content-Type", form.contentType())
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(form.body())).build()).json().get("imageUrl").asText();
            JsonNode withImage = ChatClient.ok(c.emit("SEND_MESSAGE", payload("content", "\u200b\u3164", "imageUrl", imageUrl))).get("message");
            assertThat(withImage.get("content").asText()).isEmpty();
            assertThat(withImage.get("imageUrl").asText()).isEqualTo(imageUrl);
        }
    }

    @Test
    void refusesMalformedPayloads() {
        try (ChatClient c = app.writer("shapes")) {
            assertThat(ChatClient.errorCode(c.emit("SEND_MESSAGE", payload("content", 5)))).isEqualTo("INVALID_PAYLOAD");
            assertThat(ChatClient.errorCode(c.emit("SEND_MESSAGE", payload("content", Map.of("deep", Map.of("er", 1)))))).isEqualTo("INVALID_PAYLOAD");
            assertThat(ChatClient.errorCode(c.emit("SEND_MESSAGE", payload("content", java.util.List.of("a"))))).isEqualTo("INVALID_PAYLOAD");
            assertThat(ChatClient.errorCode(c.emit("SEND_MESSAGE", payload("content", "x", "clientMessageId", "nope")))).isEqualTo("INVALID_PAYLOAD");
            assertThat(ChatClient.errorCode(c.emit("SEND_MESSAGE", payload("content", "x", "replyToMessageId", 7)))).isEqualTo("INVALID_PAYLOAD");
            assertThat(ChatClient.errorCode(c.emit("SEND_MESSAGE", null))).isEqualTo("INVALID_PAYLOAD");
            assertThat(ChatClient.errorCode(c.emitArgs("SEND_MESSAGE", java.util.List.of(1, 2)))).isEqualTo("INVALID_PAYLOAD");
            // Still answering normally afterwards.
            assertThat(c.send("still fine").get("content").asText()).isEqualTo("still fine");
        }
    }

    @Test
    void imageUrlsMustBeIssuedByThisServer() {
        try (ChatClient c = app.writer("pics")) {
            assertThat(ChatClient.errorCode(c.emit("SEND_MESSAGE", payload("content", "look", "imageUrl", "https://evil.example/x.png"))))
                    .isEqualTo("INVALID_IMAGE_URL");
            assertThat(ChatClient.errorCode(c.emit("SEND_MESSAGE", payload("imageUrl", "/uploads/not-mine.png")))).isEqualTo("INVALID_IMAGE_URL");
            // Shaped exactly like an issued URL (a 128-bit random key in base64url), but never issued.
            byte[] key = new byte[16];
            new java.security.SecureRandom().nextBytes(key);
            String neverIssued = "/uploads/" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(key) + ".png";
            assertThat(neverIssued).matches("/uploads/[A-Za-z0-9_-]{22}\\.png");
            assertThat(ChatClient.errorCode(c.emit("SEND_MESSAGE", payload("imageUrl", neverIssued)))).isEqualTo("INVALID_IMAGE_URL");
            assertThat(ChatClient.errorCode(c.emit("SEND_MESSAGE", payload("content", "look", "imageUrl", neverIssued))))
                    .isEqualTo("INVALID_IMAGE_URL");
        }
    }

    @Test
    void repliesQuoteTheirParent() {
        try (ChatClient a = app.writer("parent_a"); ChatClient b = app.writer("child_b")) {
            String longText = "p".repeat(130) + "😀".repeat(20);
            JsonNode parent = a.send(longText);
            JsonNode reply = ChatClient.ok(b.emit("SEND_MESSAGE",
                    payload("content", "answer", "replyToMessageId", parent.get("id").asText()))).get("message");
            assertThat(reply.get("replyToMessageId")).isEqualTo(parent.get("id"));
            JsonNode quote = reply.get("replyTo");
            assertThat(quote.get("id")).isEqualTo(parent.get("id"));
            assertThat(quote.get("senderName").asText()).isEqualTo("parent_a");
            assertThat(quote.get("content").asText()).isEqualTo("p".repeat(130) + "😀".repeat(10));
            assertThat(quote.get("imageUrl").isNull()).isTrue();

            assertThat(ChatClient.errorCode(b.emit("SEND_MESSAGE", payload("content", "x", "replyToMessageId", UUID.randomUUID().toString()))))
                    .isEqualTo("REPLY_TARGET_NOT_FOUND");
            assertThat(ChatClient.errorCode(b.emit("SEND_MESSAGE", payload("content", "x", "replyToMessageId", "not-a-uuid"))))
                    .isEqualTo("REPLY_TARGET_NOT_FOUND");
        }
    }

    @Test
    void aParentThatExpiresIsNoLongerQuotedNorAReplyTarget() throws Exception {
        try (ChatClient a = app.writer("expiring")) {
            JsonNode parent = a.send("old news");
            JsonNode reply = ChatClient.ok(a.emit("SEND_MESSAGE",
                    payload("content", "re", "replyToMessageId", parent.get("id").asText()))).get("message");
            // The operator's way to expire a message: backdate created_at.
            try (Connection c = app.sql()) {
                c.createStatement().executeUpdate("UPDATE messages SET created_at = created_at - interval '25 hours' WHERE id = '"
                        + parent.get("id").asText() + "'");
            }
            assertThat(ChatClient.errorCode(a.emit("SEND_MESSAGE", payload("content", "late", "replyToMessageId", parent.get("id").asText()))))
                    .isEqualTo("REPLY_TARGET_NOT_FOUND");
            JsonNode history = a.join().get("messages");
            JsonNode stored = null;
            for (JsonNode m : history) {
                assertThat(m.get("id")).isNotEqualTo(parent.get("id"));
                if (m.get("id").equals(reply.get("id"))) {
                    stored = m;
                }
            }
            assertThat(stored).isNotNull();
            assertThat(stored.get("replyToMessageId")).isEqualTo(parent.get("id"));
            assertThat(stored.get("replyTo").isNull()).isTrue();
        }
    }

    @Test
    void retriesFromTwoTabsOfOneGuestStoreOnce() {
        try (ChatClient tab1 = app.writer("tabs_cm")) {
            String cookie = org.openworldchat.support.Http.cookiePair(tab1.issuedCookie());
            try (ChatClient tab2 = ChatClient.connect(app.baseUrl(), cookie)) {
                Map<String, Object> p = payload("content", "dup", "clientMessageId", UUID.randomUUID().toString());
                JsonNode a = ChatClient.ok(tab1.emit("SEND_MESSAGE", p)).get("message");
                JsonNode b = ChatClient.ok(tab2.emit("SEND_MESSAGE", p)).get("message");
                assertThat(b.get("id")).isEqualTo(a.get("id"));
                assertThat(b.get("clientMessageId").asText()).isEqualTo(p.get("clientMessageId"));
            }
        }
    }

    /**
     * The username gate is remembered per node, but the name a message carries is read from the
     * database as the message is stored: a rename made elsewhere (another node) shows at once.
     */
    @Test
    void theStoredNameIsTheCurrentOneEvenAfterARenameElsewhere() throws Exception {
        try (ChatClient carol = app.writer("carol_before")) {
            assertThat(carol.send("first").get("senderName").asText()).isEqualTo("carol_before");
            String guestId = carol.join().get("guestId").asText();
            try (Connection c = app.sql()) {
                c.createStatement().executeUpdate(
                        "UPDATE guest_users SET username = 'carol_after' WHERE guest_id = '" + guestId + "'");
            }
            JsonNode second = carol.send("second");
            assertThat(second.get("senderName").asText()).isEqualTo("carol_after");
            try (Connection c = app.sql(); ResultSet rs = c.createStatement().executeQuery(
                    "SELECT sender_name FROM messages WHERE id = '" + second.get("id").asText() + "'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("carol_after");
            }
        }
    }
}
