package org.openworldchat.retention;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.Http;
import org.openworldchat.support.TestApp;
import org.openworldchat.support.TestImages;

/** Images are deleted once no message uses them, from whichever store holds them. */
abstract class ImageRetentionContract {

    abstract TestApp app();

    /** True while the store still holds the object. */
    abstract boolean stored(String key) throws Exception;

    @Test
    void imagesGoOnceNoMessageUsesThemAndUnusedOnesAfterAnHour() throws Exception {
        try (ChatClient owner = app().writer("img_" + System.nanoTime() % 100_000)) {
            String cookie = Http.cookiePair(owner.issuedCookie());
            String expiring = upload(cookie);
            String unused = upload(cookie);
            sendImage(owner, expiring);

            app().clock().advance(Duration.ofMinutes(59));
            app().retention().runOnce().orElseThrow();
            assertPresent(unused, "an unattached image younger than an hour");
            assertPresent(expiring, "an image of a live message");

            app().clock().advance(Duration.ofMinutes(2));
            String live = upload(cookie);
            sendImage(owner, live);
            app().retention().runOnce().orElseThrow();
            assertGone(unused, "an image never attached, after an hour");
            assertPresent(expiring, "an image of a live message");

            // The first message is now 24 h 1 min old and expires; the second is 23 h old.
            app().clock().advance(Duration.ofHours(23));
            String recent = upload(cookie);
            RetentionReport report = app().retention().runOnce().orElseThrow();
            assertThat(report.images()).isGreaterThanOrEqualTo(1);
            assertGone(expiring, "the image of an expired message");
            assertPresent(live, "an image of a live message");
            assertPresent(recent, "an unattached image younger than an hour");
        }
    }

    private void assertGone(String url, String what) throws Exception {
        String key = keyOf(url);
        assertThat(stored(key)).as(what + ": object deleted").isFalse();
        assertThat(Rows.count(app(), "SELECT count(*) FROM uploads WHERE key = ?", key)).as(what + ": row deleted").isZero();
        assertThat(app().http().get(url).status()).as(what + ": no longer served").isEqualTo(404);
    }

    private void assertPresent(String url, String what) throws Exception {
        String key = keyOf(url);
        assertThat(stored(key)).as(what + ": object kept").isTrue();
        assertThat(Rows.count(app(), "SELECT count(*) FROM uploads WHERE key = ?", key)).as(what + ": row kept").isEqualTo(1);
        assertThat(app().http().get(url).status()).as(what + ": still served").isEqualTo(200);
    }

    private String upload(String cookie) {
        TestImages.Multipart form = TestImages.multipart("image", "photo.png", "image/png", TestImages.png(32, 24));
        Http.Reply reply = app().http().send(HttpRequest.newBuilder(URI.create(app().baseUrl() + "/api/uploads"))
                .header("Content-Type", form.contentType())
                .header("Cookie", cookie)
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.body()))
                .build());
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        return reply.json().get("imageUrl").asText();
    }

    private static void sendImage(ChatClient owner, String url) {
        JsonNode message = ChatClient.ok(owner.emit("SEND_MESSAGE", Map.of("imageUrl", url))).get("message");
        assertThat(message.get("imageUrl").asText()).isEqualTo(url);
    }

    static String keyOf(String url) {
        return url.substring(url.lastIndexOf('/') + 1);
    }
}
