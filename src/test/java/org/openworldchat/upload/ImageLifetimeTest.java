package org.openworldchat.upload;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.Http;
import org.openworldchat.support.TestApp;
import org.openworldchat.support.TestImages;

/**
 * An image lives as long as a message shows it: served, revalidated on every use, and 404 the
 * moment its message expires, before the cleanup job has deleted anything.
 */
class ImageLifetimeTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @Test
    void anImageIsServedPrivatelyAndRevalidatedWithItsEtag() {
        try (ChatClient writer = app.writer("etag_writer")) {
            String url = upload(writer, TestImages.png(40, 30));
            Http.Reply image = app.http().get(url);
            assertThat(image.status()).isEqualTo(200);
            assertThat(image.header("cache-control")).isEqualTo("private, no-cache");
            String etag = image.header("etag");
            assertThat(etag).startsWith("\"").endsWith("\"");

            Http.Reply again = app.http().get(url, "If-None-Match", etag);
            assertThat(again.status()).isEqualTo(304);
            assertThat(again.body()).isEmpty();
            assertThat(again.header("etag")).isEqualTo(etag);
            assertThat(app.http().get(url, "If-None-Match", "\"another\"").status()).isEqualTo(200);
        }
    }

    @Test
    void theImageOfAnExpiredMessageIs404BeforeTheCleanupRuns() {
        try (ChatClient writer = app.writer("expiring_writer")) {
            String url = upload(writer, TestImages.png(40, 30));
            ChatClient.ok(writer.emit("SEND_MESSAGE", Map.of("imageUrl", url)));
            app.clock().advance(Duration.ofHours(2)); // past the unsent-image lifetime: the message keeps it
            assertThat(app.http().get(url).status()).isEqualTo(200);
            String etag = app.http().get(url).header("etag");

            app.clock().advance(Duration.ofHours(23));
            assertThat(app.http().get(url).status()).isEqualTo(404);
            assertThat(app.http().get(url, "If-None-Match", etag).status()).as("not even revalidated").isEqualTo(404);
        }
    }

    @Test
    void anImageNeverSentIsServedOnlyWhileItsUploaderMightStillSendIt() {
        try (ChatClient writer = app.writer("unsent_writer")) {
            String url = upload(writer, TestImages.png(40, 30));
            assertThat(app.http().get(url).status()).as("the uploader's preview").isEqualTo(200);
            app.clock().advance(UploadService.UNSENT_IMAGE_LIFETIME.plusMinutes(1));
            assertThat(app.http().get(url).status()).isEqualTo(404);
        }
    }

    @Test
    void anImageSentTwiceLivesWithItsNewestMessage() {
        try (ChatClient writer = app.writer("twice_writer")) {
            String url = upload(writer, TestImages.png(40, 30));
            ChatClient.ok(writer.emit("SEND_MESSAGE", Map.of("imageUrl", url)));
            app.clock().advance(Duration.ofHours(20));
            ChatClient.ok(writer.emit("SEND_MESSAGE", Map.of("imageUrl", url, "content", "again")));
            app.clock().advance(Duration.ofHours(10));
            assertThat(app.http().get(url).status()).isEqualTo(200);
        }
    }

    private String upload(ChatClient writer, byte[] file) {
        TestImages.Multipart form = TestImages.multipart("image", "a.png", "image/png", file);
        Http.Reply reply = app.http().send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/uploads"))
                .header("Content-Type", form.contentType())
                .header("Cookie", Http.cookiePair(writer.issuedCookie()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.body())).build());
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        return reply.json().get("imageUrl").asText();
    }
}
