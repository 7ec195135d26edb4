package org.openworldchat.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.Http;
import org.openworldchat.support.TestApp;

/** A Socket.IO packet over 64 KiB is refused; only its sender is affected. */
class PacketLimitTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @Test
    void anOversizedWebsocketFrameClosesOnlyItsSocket() {
        try (ChatClient bystander = app.writer("bystander_pl"); ChatClient big = app.writer("big_sender")) {
            ChatClient.ok(big.emit("JOIN_CHAT", null));
            // Just under the limit: an ordinary refusal, the socket stays.
            assertThat(ChatClient.errorCode(big.emit("SEND_MESSAGE", Map.of("content", "x".repeat(60_000)))))
                    .isEqualTo("MESSAGE_TOO_LONG");
            big.emitNoAck("SEND_MESSAGE", Map.of("content", "x".repeat(100_000)));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !big.connected());
            assertThat(bystander.send("still here").get("content").asText()).isEqualTo("still here");
        }
    }

    @Test
    void anOversizedPollingPostIsRefused() {
        Http http = app.http();
        String open = http.get("/socket.io/?EIO=4&transport=polling").body();
        String sid = open.substring(open.indexOf("\"sid\":\"") + 7, open.indexOf('"', open.indexOf("\"sid\":\"") + 7));
        String url = app.baseUrl() + "/socket.io/?EIO=4&transport=polling&sid=" + sid;
        // Fresh connections for each POST: a pooled keep-alive connection that the server has just
        // closed would fail a POST on the client side, which retries only idempotent requests.
        Http.Reply connect = app.http().send(HttpRequest.newBuilder(URI.create(url))
                .POST(HttpRequest.BodyPublishers.ofString("40")).header("Content-Type", "text/plain").build());
        assertThat(connect.status()).isEqualTo(200);
        String huge = "42[\"SEND_MESSAGE\",{\"content\":\"" + "y".repeat(70_000) + "\"}]";
        Http.Reply refused = app.http().send(HttpRequest.newBuilder(URI.create(url))
                .POST(HttpRequest.BodyPublishers.ofString(huge)).header("Content-Type", "text/plain").build());
        assertThat(refused.status()).isEqualTo(413);
        // Written by the library's HTTP aggregator, yet with the headers of every other response.
        assertThat(refused.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(refused.header("Content-Security-Policy")).contains("frame-ancestors 'none'");
        assertThat(refused.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(refused.header("X-Frame-Options")).isEqualTo("DENY");
        try (ChatClient other = app.writer("after_big_post")) {
            assertThat(other.send("fine").get("content").asText()).isEqualTo("fine");
        }
    }
}
