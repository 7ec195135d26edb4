package org.openworldchat.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.Http;
import org.openworldchat.support.TestApp;
import org.openworldchat.support.TestImages;

class MetricsTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass(Map.of("DATABASE_POOL_SIZE", "5"));

    private static final String FOREIGN = "https://evil.example";

    private static double value(String scrape, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " ([0-9.E+-]+)$", Pattern.MULTILINE).matcher(scrape);
        assertThat(m.find()).as("series %s in%n%s", series, scrape).isTrue();
        return Double.parseDouble(m.group(1));
    }

    /** A series now; 0 when it does not exist yet (a refusal code's counter appears at its first refusal). */
    private static double now(String series) {
        String scrape = scrape();
        return Pattern.compile("^" + Pattern.quote(series) + " ", Pattern.MULTILINE).matcher(scrape).find()
                ? value(scrape, series) : 0;
    }

    private static String scrape() {
        Http.Reply reply = app.http().get("/metrics");
        assertThat(reply.status()).isEqualTo(200);
        return reply.body();
    }

    private static String refusals(String code) {
        return "owc_refusals_total{code=\"" + code + "\"}";
    }

    @Test
    void prometheusTextWithChatPoolAndJvmMeters() {
        try (ChatClient c = app.writer("measured")) {
            String id = c.send("counted").get("id").asText();
            ChatClient.ok(c.emit("SEND_REACTION", Map.of("messageId", id, "emoji", "🔥")));
            ChatClient.errorCode(c.emit("SEND_MESSAGE", Map.of("content", " ")));

            Http.Reply reply = app.http().get("/metrics");
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.header("content-type")).startsWith("text/plain");
            String text = reply.body();
            assertThat(value(text, "owc_messages_sent_total")).isGreaterThanOrEqualTo(1);
            assertThat(value(text, "owc_reactions_total")).isGreaterThanOrEqualTo(1);
            assertThat(value(text, refusals("EMPTY_MESSAGE"))).isGreaterThanOrEqualTo(1);
            assertThat(value(text, "owc_sockets")).isGreaterThanOrEqualTo(1);
            assertThat(value(text, "owc_guests_online")).isGreaterThanOrEqualTo(1);
            assertThat(value(text, "owc_guests_watching")).isGreaterThanOrEqualTo(1);
            for (String queue : new String[] {"message-writer", "reaction-writer", "guest-touches"}) {
                assertThat(value(text, "owc_write_batch_size_count{queue=\"" + queue + "\"}")).as(queue).isGreaterThanOrEqualTo(1);
                assertThat(value(text, "owc_write_batch_duration_seconds_count{queue=\"" + queue + "\"}")).as(queue)
                        .isGreaterThanOrEqualTo(1);
            }
            assertThat(text).contains("owc_ack_latency_seconds_bucket{event=\"SEND_MESSAGE\",outcome=\"ok\"")
                    .contains("owc_ack_latency_seconds_count{event=\"JOIN_CHAT\",outcome=\"ok\"}")
                    .contains("hikaricp_connections_active")
                    .contains("jvm_memory_used_bytes")
                    .contains("owc_uploads_total");
            assertThat(value(text, "owc_ack_latency_seconds_count{event=\"SEND_MESSAGE\",outcome=\"error\"}"))
                    .as("a refused event is timed too").isGreaterThanOrEqualTo(1);
            assertThat(text).as("DATABASE_POOL_SIZE sizes the pool").containsPattern("(?m)^hikaricp_connections_max\\{[^}]*} 5\\.0$");
        }
    }

    @Test
    void eachMessageReactionAndUploadCountsOnce() {
        try (ChatClient c = app.writer("counted_once")) {
            double messages = now("owc_messages_sent_total");
            String id = c.send("one more").get("id").asText();
            assertThat(now("owc_messages_sent_total")).isEqualTo(messages + 1);

            double reactions = now("owc_reactions_total");
            ChatClient.ok(c.emit("SEND_REACTION", Map.of("messageId", id, "emoji", "👍")));
            assertThat(now("owc_reactions_total")).isEqualTo(reactions + 1);

            double uploads = now("owc_uploads_total");
            TestImages.Multipart form = TestImages.multipart("image", "a.png", "image/png", TestImages.png(8, 8));
            Http.Reply uploaded = app.http().send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/uploads"))
                    .header("Cookie", Http.cookiePair(c.issuedCookie())).header("Content-Type", form.contentType())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(form.body())).build());
            assertThat(uploaded.status()).isEqualTo(201);
            assertThat(now("owc_uploads_total")).isEqualTo(uploads + 1);
        }
    }

    @Test
    void refusalsBeforeAnyEndpointCountUnderTheirCode() throws Exception {
        double forbidden = now(refusals("FORBIDDEN_ORIGIN"));
        Http.Reply http = app.http().get("/api/session", "Origin", FOREIGN);
        assertThat(http.status()).isEqualTo(403);
        assertThat(now(refusals("FORBIDDEN_ORIGIN"))).as("HTTP from a foreign origin").isEqualTo(forbidden + 1);

        Http.Reply handshake = app.http().get("/socket.io/?EIO=4&transport=polling", "Origin", FOREIGN);
        assertThat(handshake.status()).isEqualTo(403);
        assertThat(now(refusals("FORBIDDEN_ORIGIN"))).as("a Socket.IO handshake from a foreign origin")
                .isEqualTo(forbidden + 2);

        double tooLarge = now(refusals("FILE_TOO_LARGE"));
        Http.Reply big = app.http().send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/session"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[200_000])).build());
        assertThat(big.status()).isEqualTo(413);
        assertThat(now(refusals("FILE_TOO_LARGE"))).as("a body over its bound").isEqualTo(tooLarge + 1);

        double invalid = now(refusals("INVALID_PAYLOAD"));
        try (Socket socket = new Socket("127.0.0.1", app.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTX/9\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            assertThat(new String(in.readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 400");
        }
        assertThat(now(refusals("INVALID_PAYLOAD"))).as("malformed HTTP").isEqualTo(invalid + 1);
    }
}
