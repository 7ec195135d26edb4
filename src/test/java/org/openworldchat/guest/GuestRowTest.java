package org.openworldchat.guest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.Http;
import org.openworldchat.support.TestApp;

/**
 * Reading stores nothing: a guest is a signed cookie until its first {@code SET_USERNAME}, so an
 * address that mints cookies by the thousand fills no table.
 */
class GuestRowTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @Test
    void readingCreatesNoGuestRow() throws Exception {
        long before = guestRows();
        for (int i = 0; i < 20; i++) {
            assertThat(app.http().get("/api/session").status()).isEqualTo(200);
        }
        String cookie = Http.cookiePair(app.http().get("/api/session").header("set-cookie"));
        assertThat(app.http().get("/api/session", "Cookie", cookie).json().get("username").isNull()).isTrue();
        for (String transport : new String[]{"polling", "websocket"}) {
            try (ChatClient anonymous = ChatClient.connect(app.baseUrl(), (String) null, transport);
                 ChatClient withCookie = ChatClient.connect(app.baseUrl(), cookie, transport)) {
                assertThat(anonymous.join().get("username").isNull()).isTrue();
                assertThat(withCookie.join().get("username").isNull()).isTrue();
                withCookie.join();
            }
        }
        assertThat(app.http().get("/api/messages").status()).isEqualTo(200);
        assertThat(guestRows()).as("GET /api/session, handshakes and JOIN_CHAT store no guest").isEqualTo(before);

        try (ChatClient namer = ChatClient.connect(app.baseUrl(), cookie)) {
            namer.setUsername("row_at_last");
        }
        assertThat(guestRows()).as("the first SET_USERNAME stores the guest").isEqualTo(before + 1);
    }

    @Test
    void aGuestWithoutARowReadsAndIsAskedForANameBeforeWriting() throws Exception {
        String message;
        try (ChatClient writer = app.writer("row_writer")) {
            message = writer.send("hello readers").get("id").asText();
        }
        try (ChatClient reader = app.client()) {
            JsonNode joined = reader.join();
            assertThat(joined.get("messages").findValuesAsText("id")).contains(message);
            assertThat(ChatClient.errorCode(reader.emit("SEND_MESSAGE", Map.of("content", "hi")))).isEqualTo("USERNAME_REQUIRED");
            assertThat(reader.next("USERNAME_REQUIRED").get("defaultUsername").asText())
                    .isEqualTo(joined.get("defaultUsername").asText());
            assertThat(ChatClient.errorCode(reader.emit("SEND_REACTION", Map.of("messageId", message, "emoji", "👍"))))
                    .isEqualTo("USERNAME_REQUIRED");
            UUID guestId = UUID.fromString(joined.get("guestId").asText());
            assertThat(value(Long.class, "SELECT count(*) FROM guest_users WHERE guest_id = ?", guestId)).isZero();

            // Once named it writes, and counts as online like any guest.
            reader.setUsername("row_reader");
            assertThat(reader.send("now I write").get("senderName").asText()).isEqualTo("row_reader");
            assertThat(reader.join().get("onlineCount").asInt()).isPositive();
        }
    }

    @Test
    void theActivityOfAStoredGuestIsStillRecorded() throws Exception {
        String cookie = Http.cookiePair(app.http().get("/api/session").header("set-cookie"));
        UUID guestId;
        try (ChatClient c = ChatClient.connect(app.baseUrl(), cookie)) {
            c.setUsername("row_active");
            guestId = UUID.fromString(c.join().get("guestId").asText());
        }
        app.clock().advance(Duration.ofDays(3));
        Instant now = app.clock().instant();
        assertThat(app.http().get("/api/session", "Cookie", cookie).json().get("username").asText()).isEqualTo("row_active");
        Instant lastActive = value(OffsetDateTime.class, "SELECT last_active_at FROM guest_users WHERE guest_id = ?", guestId)
                .toInstant();
        assertThat(lastActive).isAfterOrEqualTo(now.minusSeconds(1));
    }

    private static long guestRows() throws Exception {
        return value(Long.class, "SELECT count(*) FROM guest_users");
    }

    private static <T> T value(Class<T> type, String sql, Object... params) throws Exception {
        try (Connection c = app.sql(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as(sql).isTrue();
                return rs.getObject(1, type);
            }
        }
    }
}
