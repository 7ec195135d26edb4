package org.openworldchat.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openworldchat.http.UploadEndpoint;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.Http;
import org.openworldchat.support.TestApp;
import org.openworldchat.support.TestImages;

/** The contract's default limits, per guest, across tabs; time moves with the test clock. */
class RateLimitTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass(Map.of(
            "RATE_LIMIT_MESSAGES", "10/10s", "RATE_LIMIT_REACTIONS", "30/10s", "RATE_LIMIT_UPLOADS", "10/1m"));

    @Test
    void tenMessagesPerTenSecondsThenRateLimited() {
        try (ChatClient spammer = app.writer("spammer"); ChatClient bystander = app.writer("bystander")) {
            for (int i = 0; i < 10; i++) {
                spammer.send("m" + i);
            }
            JsonNode refused = spammer.emit("SEND_MESSAGE", Map.of("content", "one too many"));
            assertThat(ChatClient.errorCode(refused)).isEqualTo("RATE_LIMITED");
            long retry = refused.at("/error/retryAfterMs").asLong();
            assertThat(retry).isBetween(1L, 10_000L);

            assertThat(bystander.send("I am not slowed down").get("content").asText()).isNotEmpty();

            app.clock().advance(Duration.ofMillis(retry));
            assertThat(spammer.send("after waiting").get("content").asText()).isEqualTo("after waiting");
        }
    }

    @Test
    void refusedAttemptsCountToo() {
        try (ChatClient hammer = app.writer("hammer")) {
            for (int i = 0; i < 10; i++) {
                hammer.send("m" + i);
            }
            long first = hammer.emit("SEND_MESSAGE", Map.of("content", "x")).at("/error/retryAfterMs").asLong();
            long later = first;
            for (int i = 0; i < 5; i++) {
                later = hammer.emit("SEND_MESSAGE", Map.of("content", "x")).at("/error/retryAfterMs").asLong();
            }
            assertThat(later).as("hammering pushes the next allowed send away").isGreaterThan(first);
            // An invalid attempt counts as well.
            app.clock().advance(Duration.ofSeconds(20));
            for (int i = 0; i < 10; i++) {
                ChatClient.errorCode(hammer.emit("SEND_MESSAGE", Map.of("content", "  ")));
            }
            assertThat(ChatClient.errorCode(hammer.emit("SEND_MESSAGE", Map.of("content", "real")))).isEqualTo("RATE_LIMITED");
        }
    }

    @Test
    void malformedAttemptsCountToo() {
        try (ChatClient garbler = app.writer("garbler")) {
            for (int i = 0; i < 10; i++) {
                assertThat(ChatClient.errorCode(garbler.emit("SEND_MESSAGE", 5))).isEqualTo("INVALID_PAYLOAD");
            }
            assertThat(ChatClient.errorCode(garbler.emit("SEND_MESSAGE", 5))).isEqualTo("RATE_LIMITED");
            assertThat(ChatClient.errorCode(garbler.emit("SEND_MESSAGE", Map.of("content", "real")))).isEqualTo("RATE_LIMITED");

            for (int i = 0; i < 30; i++) {
                assertThat(ChatClient.errorCode(garbler.emitArgs("SEND_REACTION", Map.of(), Map.of()))).isEqualTo("INVALID_PAYLOAD");
            }
            assertThat(ChatClient.errorCode(garbler.emit("SEND_REACTION", Map.of("messageId", 5, "emoji", "👍"))))
                    .isEqualTo("RATE_LIMITED");
        }
    }

    @Test
    void twoTabsShareOneAllowance() {
        try (ChatClient tab1 = app.writer("two_tabs")) {
            try (ChatClient tab2 = ChatClient.connect(app.baseUrl(), Http.cookiePair(tab1.issuedCookie()))) {
                for (int i = 0; i < 5; i++) {
                    tab1.send("a" + i);
                    tab2.send("b" + i);
                }
                assertThat(ChatClient.errorCode(tab2.emit("SEND_MESSAGE", Map.of("content", "c")))).isEqualTo("RATE_LIMITED");
                assertThat(ChatClient.errorCode(tab1.emit("SEND_MESSAGE", Map.of("content", "c")))).isEqualTo("RATE_LIMITED");
            }
        }
    }

    @Test
    void thirtyReactionsPerTenSeconds() {
        try (ChatClient c = app.writer("reactor")) {
            String id = c.send("target").get("id").asText();
            for (int i = 0; i < 30; i++) {
                ChatClient.ok(c.emit("SEND_REACTION", Map.of("messageId", id, "emoji", "👍")));
            }
            JsonNode refused = c.emit("SEND_REACTION", Map.of("messageId", id, "emoji", "👍"));
            assertThat(ChatClient.errorCode(refused)).isEqualTo("RATE_LIMITED");
            assertThat(refused.at("/error/retryAfterMs").asLong()).isPositive();
        }
    }

    @Test
    void tenUploadsPerMinute() {
        HttpRequest request = uploadOfANewGuest("image");
        for (int i = 0; i < 10; i++) {
            assertThat(app.http().send(request).status()).isEqualTo(201);
        }
        Http.Reply refused = app.http().send(request);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.json().at("/error/code").asText()).isEqualTo("RATE_LIMITED");
        assertThat(refused.json().at("/error/retryAfterMs").asLong()).isPositive();
        app.clock().advance(Duration.ofMinutes(2));
        assertThat(app.http().send(request).status()).isEqualTo(201);
    }

    @Test
    void refusedUploadsCountToo() {
        HttpRequest request = uploadOfANewGuest("file"); // not the form's "image" field
        for (int i = 0; i < 10; i++) {
            assertThat(app.http().send(request).json().at("/error/code").asText()).isEqualTo("INVALID_PAYLOAD");
        }
        Http.Reply refused = app.http().send(request);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.json().at("/error/code").asText()).isEqualTo("RATE_LIMITED");
    }

    @Test
    void uploadsRefusedAsTooLargeBeforeTheEndpointCountToo() {
        String cookie = newGuest();
        // Over the request bound: refused by the connection's reader, before the endpoint, either
        // from the declared length or (chunked, no length) as the body crosses the bound.
        byte[] oversized = new byte[UploadEndpoint.MAX_REQUEST_BYTES + 1];
        for (int i = 0; i < 10; i++) {
            HttpRequest.BodyPublisher body = i % 2 == 0
                    ? HttpRequest.BodyPublishers.ofByteArray(oversized)
                    : HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(oversized));
            Http.Reply refused = app.http().send(upload(cookie, "multipart/form-data; boundary=x", body));
            assertThat(refused.status()).as("attempt %d", i + 1).isEqualTo(413);
            assertThat(refused.json().at("/error/code").asText()).isEqualTo("FILE_TOO_LARGE");
        }
        TestImages.Multipart form = TestImages.multipart("image", "a.png", "image/png", TestImages.png(4, 4));
        Http.Reply limited = app.http().send(upload(cookie, form.contentType(),
                HttpRequest.BodyPublishers.ofByteArray(form.body())));
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.json().at("/error/code").asText()).isEqualTo("RATE_LIMITED");
        assertThat(limited.json().at("/error/retryAfterMs").asLong()).isPositive();
        // Over the limit, an oversized upload gets the limit's answer as well.
        Http.Reply again = app.http().send(upload(cookie, "multipart/form-data; boundary=x",
                HttpRequest.BodyPublishers.ofByteArray(oversized)));
        assertThat(again.status()).isEqualTo(429);
        assertThat(again.json().at("/error/retryAfterMs").asLong()).isPositive();
        // Another guest is not affected.
        Http.Reply other = app.http().send(upload(newGuest(), form.contentType(),
                HttpRequest.BodyPublishers.ofByteArray(form.body())));
        assertThat(other.status()).isEqualTo(201);
    }

    /** An upload of a small PNG in the form field {@code field}, by a guest of its own. */
    private static HttpRequest uploadOfANewGuest(String field) {
        TestImages.Multipart form = TestImages.multipart(field, "a.png", "image/png", TestImages.png(4, 4));
        return upload(newGuest(), form.contentType(), HttpRequest.BodyPublishers.ofByteArray(form.body()));
    }

    private static HttpRequest upload(String cookie, String contentType, HttpRequest.BodyPublisher body) {
        return HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/uploads"))
                .header("Cookie", cookie).header("Content-Type", contentType).POST(body).build();
    }

    /** The cookie pair of a new guest. */
    private static String newGuest() {
        return Http.cookiePair(app.http().get("/api/session").header("set-cookie"));
    }
}
