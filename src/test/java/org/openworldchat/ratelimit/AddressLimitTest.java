package org.openworldchat.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.Http;
import org.openworldchat.support.TestApp;
import org.openworldchat.support.TestImages;

/**
 * The per-address limits, on top of the per-guest ones: guests are free to mint, so fresh cookies
 * from one address share that address's allowance, and other addresses are not slowed. The
 * per-guest limits stay raised (as in every test); the per-address ones are the contract's
 * defaults, except the upload bytes, which are small enough to reach with small images. Each test
 * speaks for its own addresses through {@code X-Forwarded-For} (the server trusts it here); time
 * stands still unless a test moves it.
 */
class AddressLimitTest {

    private static final int UPLOAD_BYTES_PER_DAY = 20_000;

    @RegisterExtension
    static final TestApp app = TestApp.perClass(Map.of(
            "TRUST_PROXY", "true",
            "RATE_LIMIT_ADDRESS_NEW_GUESTS", "30/10m",
            "RATE_LIMIT_ADDRESS_MESSAGES", "60/10s",
            "RATE_LIMIT_ADDRESS_REACTIONS", "60/10s",
            "RATE_LIMIT_ADDRESS_USERNAME_CHANGES", "10/10m",
            "RATE_LIMIT_USERNAME_CHANGES", "5/10m",
            "RATE_LIMIT_ADDRESS_UPLOADS", "30/10m",
            "RATE_LIMIT_ADDRESS_UPLOAD_BYTES", UPLOAD_BYTES_PER_DAY + "/24h"));

    @Test
    void anAddressNamesAtMostThirtyNewGuestsButItsGuestsAlwaysRead() throws Exception {
        String address = "198.51.100.10";
        try (ChatClient first = guest(address)) {
            first.setUsername("newcomer_0");
        }
        // Refused first choices are no new guests: a taken name, an invalid one.
        try (ChatClient unlucky = guest(address)) {
            for (int i = 0; i < 5; i++) {
                assertThat(ChatClient.errorCode(unlucky.emit("SET_USERNAME", Map.of("username", "newcomer_0")))).isEqualTo("USERNAME_TAKEN");
                assertThat(ChatClient.errorCode(unlucky.emit("SET_USERNAME", Map.of("username", "x")))).isEqualTo("INVALID_USERNAME");
            }
        }
        for (int i = 1; i < 30; i++) {
            try (ChatClient c = guest(address)) {
                c.setUsername("newcomer_" + i);
            }
        }
        long rows = count("SELECT count(*) FROM guest_users");
        try (ChatClient late = guest(address)) {
            JsonNode refused = late.emit("SET_USERNAME", Map.of("username", "newcomer_30"));
            assertThat(ChatClient.errorCode(refused)).isEqualTo("RATE_LIMITED");
            long retry = refused.at("/error/retryAfterMs").asLong();
            assertThat(retry).isBetween(1L, Duration.ofMinutes(10).toMillis());

            // Reading is never refused, and stores nothing.
            assertThat(late.join().get("messages").isArray()).isTrue();
            for (int i = 0; i < 5; i++) {
                assertThat(app.http().get("/api/session", "X-Forwarded-For", address).status()).isEqualTo(200);
            }
            assertThat(count("SELECT count(*) FROM guest_users")).isEqualTo(rows);

            try (ChatClient elsewhere = guest("198.51.100.11")) {
                assertThat(elsewhere.setUsername("newcomer_elsewhere").get("username").asText()).isEqualTo("newcomer_elsewhere");
            }
            app.clock().advance(Duration.ofMillis(retry));
            assertThat(late.setUsername("newcomer_30").get("username").asText()).isEqualTo("newcomer_30");
        }
    }

    @Test
    void freshGuestsFromOneAddressShareSixtyMessagesPerTenSeconds() {
        String address = "198.51.100.20";
        List<ChatClient> writers = named(address, "msg", 4);
        try {
            for (int i = 0; i < 60; i++) {
                writers.get(i % 3).send("m" + i);
            }
            JsonNode refused = writers.get(3).emit("SEND_MESSAGE", Map.of("content", "one too many"));
            assertThat(ChatClient.errorCode(refused)).isEqualTo("RATE_LIMITED");
            assertThat(refused.at("/error/retryAfterMs").asLong()).isBetween(1L, 10_000L);
            assertThat(ChatClient.errorCode(writers.get(0).emit("SEND_MESSAGE", Map.of("content", "me neither"))))
                    .isEqualTo("RATE_LIMITED");
            try (ChatClient elsewhere = guest("198.51.100.21")) {
                elsewhere.setUsername("msg_elsewhere");
                assertThat(elsewhere.send("not slowed").get("content").asText()).isEqualTo("not slowed");
            }
        } finally {
            writers.forEach(ChatClient::close);
        }
    }

    @Test
    void freshGuestsFromOneAddressShareSixtyReactionTogglesPerTenSeconds() {
        String messageId;
        try (ChatClient author = guest("198.51.100.30")) {
            author.setUsername("react_author");
            messageId = author.send("react to me").get("id").asText();
        }
        String address = "198.51.100.31";
        List<ChatClient> reactors = named(address, "react", 4);
        try {
            for (int i = 0; i < 60; i++) {
                ChatClient.ok(reactors.get(i % 3).emit("SEND_REACTION", Map.of("messageId", messageId, "emoji", "👍")));
            }
            JsonNode refused = reactors.get(3).emit("SEND_REACTION", Map.of("messageId", messageId, "emoji", "👍"));
            assertThat(ChatClient.errorCode(refused)).isEqualTo("RATE_LIMITED");
            assertThat(refused.at("/error/retryAfterMs").asLong()).isBetween(1L, 10_000L);
            try (ChatClient elsewhere = guest("198.51.100.32")) {
                elsewhere.setUsername("react_elsewhere");
                ChatClient.ok(elsewhere.emit("SEND_REACTION", Map.of("messageId", messageId, "emoji", "🔥")));
            }
        } finally {
            reactors.forEach(ChatClient::close);
        }
    }

    @Test
    void aGuestChangesItsNameAtMostFiveTimesInTenMinutes() {
        try (ChatClient owner = guest("198.51.100.40"); ChatClient changer = guest("198.51.100.41")) {
            owner.setUsername("chg_owner");
            changer.setUsername("chg_0"); // the first choice is no change
            changer.setUsername("chg_0"); // neither is setting the same name again
            for (int i = 0; i < 5; i++) {
                // Refusals are no changes either.
                assertThat(ChatClient.errorCode(changer.emit("SET_USERNAME", Map.of("username", "chg_owner")))).isEqualTo("USERNAME_TAKEN");
                assertThat(ChatClient.errorCode(changer.emit("SET_USERNAME", Map.of("username", "!")))).isEqualTo("INVALID_USERNAME");
            }
            for (int i = 1; i <= 5; i++) {
                changer.setUsername("chg_" + i);
            }
            JsonNode refused = changer.emit("SET_USERNAME", Map.of("username", "chg_6"));
            assertThat(ChatClient.errorCode(refused)).isEqualTo("RATE_LIMITED");
            long retry = refused.at("/error/retryAfterMs").asLong();
            assertThat(retry).isBetween(1L, Duration.ofMinutes(10).toMillis());
            assertThat(changer.setUsername("chg_5").get("username").asText()).as("its own name again").isEqualTo("chg_5");
            assertThat(changer.join().get("username").asText()).isEqualTo("chg_5");

            assertThat(owner.setUsername("chg_owner_2").get("username").asText()).as("another guest is not slowed")
                    .isEqualTo("chg_owner_2");
            app.clock().advance(Duration.ofMillis(retry));
            assertThat(changer.setUsername("chg_6").get("username").asText()).isEqualTo("chg_6");
        }
    }

    @Test
    void freshGuestsFromOneAddressShareTenNameChangesPerTenMinutes() {
        String address = "198.51.100.50";
        List<ChatClient> guests = named(address, "rename", 3);
        try {
            int[] changesEach = {4, 4, 2};
            for (int g = 0; g < 3; g++) {
                for (int i = 1; i <= changesEach[g]; i++) {
                    guests.get(g).setUsername("rename_" + g + "_" + i);
                }
            }
            JsonNode refused = guests.get(2).emit("SET_USERNAME", Map.of("username", "rename_2_3"));
            assertThat(ChatClient.errorCode(refused)).as("the third guest made only two changes").isEqualTo("RATE_LIMITED");
            assertThat(refused.at("/error/retryAfterMs").asLong()).isPositive();
            // A first choice is no change: a new guest from the address still gets its name.
            try (ChatClient newcomer = guest(address)) {
                assertThat(newcomer.setUsername("rename_newcomer").get("username").asText()).isEqualTo("rename_newcomer");
            }
            try (ChatClient elsewhere = guest("198.51.100.51")) {
                elsewhere.setUsername("rename_elsewhere");
                assertThat(elsewhere.setUsername("rename_elsewhere_2").get("username").asText()).isEqualTo("rename_elsewhere_2");
            }
        } finally {
            guests.forEach(ChatClient::close);
        }
    }

    @Test
    void freshGuestsFromOneAddressShareThirtyUploadsPerTenMinutes() {
        String address = "198.51.100.60";
        byte[] image = TestImages.png(4, 4);
        for (int i = 0; i < 30; i++) {
            assertThat(upload(address, cookie(address), image).status()).as("upload %d", i + 1).isEqualTo(201);
        }
        Http.Reply refused = upload(address, cookie(address), image);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.json().at("/error/code").asText()).isEqualTo("RATE_LIMITED");
        assertThat(refused.json().at("/error/retryAfterMs").asLong()).isBetween(1L, Duration.ofMinutes(10).toMillis());
        assertThat(upload("198.51.100.61", cookie("198.51.100.61"), image).status()).isEqualTo(201);
    }

    @Test
    void anAddressStoresAtMostItsUploadBytesPerDay() throws Exception {
        String address = "198.51.100.70";
        byte[] image = noise(48, 48);
        long storedBefore = count("SELECT count(*) FROM uploads");
        long stored = 0;
        int accepted = 0;
        Http.Reply refused = null;
        for (int i = 0; i < 20 && refused == null; i++) {
            Http.Reply reply = upload(address, cookie(address), image);
            if (reply.status() == 201) {
                stored += reply.json().get("size").asLong();
                accepted++;
            } else {
                refused = reply;
            }
        }
        assertThat(refused).as("refused before 20 uploads").isNotNull();
        long size = stored / accepted;
        assertThat(accepted).isGreaterThanOrEqualTo(2);
        assertThat(stored).isLessThanOrEqualTo(UPLOAD_BYTES_PER_DAY).isGreaterThan(UPLOAD_BYTES_PER_DAY - size);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.json().at("/error/code").asText()).isEqualTo("RATE_LIMITED");
        assertThat(refused.json().at("/error/retryAfterMs").asLong()).isBetween(1L, Duration.ofDays(1).toMillis());
        assertThat(count("SELECT count(*) FROM uploads")).as("the refused upload stored nothing").isEqualTo(storedBefore + accepted);
        // A small image that still fits goes through: the budget is bytes, not uploads.
        assertThat(upload(address, cookie(address), TestImages.png(2, 2)).status()).isEqualTo(201);
        assertThat(upload("198.51.100.71", cookie("198.51.100.71"), image).status()).isEqualTo(201);
    }

    /** A guest of its own, connected from {@code address}. */
    private static ChatClient guest(String address) {
        return ChatClient.connect(app.baseUrl(), Map.of("X-Forwarded-For", address, "Cookie", cookie(address)), "websocket");
    }

    /** {@code n} guests from {@code address}, named {@code prefix_0}, {@code prefix_1}, ... */
    private static List<ChatClient> named(String address, String prefix, int n) {
        List<ChatClient> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ChatClient c = guest(address);
            clients.add(c);
            c.setUsername(prefix + "_" + i);
        }
        return clients;
    }

    /** The cookie pair of a new guest, minted for a request from {@code address}. */
    private static String cookie(String address) {
        return Http.cookiePair(app.http().get("/api/session", "X-Forwarded-For", address).header("set-cookie"));
    }

    private static Http.Reply upload(String address, String cookie, byte[] image) {
        TestImages.Multipart form = TestImages.multipart("image", "a.png", "image/png", image);
        return app.http().send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/uploads"))
                .header("Cookie", cookie).header("X-Forwarded-For", address).header("Content-Type", form.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.body())).build());
    }

    /** A PNG of random pixels: it does not compress, so its size is about 3 bytes a pixel. */
    private static byte[] noise(int width, int height) {
        java.awt.image.BufferedImage picture = new java.awt.image.BufferedImage(width, height,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        Random random = new Random(7);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                picture.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            javax.imageio.ImageIO.write(picture, "png", out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static long count(String sql) throws Exception {
        try (Connection c = app.sql(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
