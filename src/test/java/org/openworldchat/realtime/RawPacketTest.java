package org.openworldchat.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.Http;
import org.openworldchat.support.TestApp;
import org.openworldchat.support.TextFrames;

/**
 * Packets no client library would send, written as websocket frames by hand: what the server
 * decodes must be exactly what the client wrote, and what it stores exactly what it acks.
 */
class RawPacketTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aPacketWithBytesAfterItsJsonIsUndecodable() throws Exception {
        TextFrames frames = new TextFrames(WAIT);
        WebSocket ws = open(null, frames);
        try {
            ws.sendText("421[\"JOIN_CHAT\",{}]xyz", true).get();
            assertThat(ackOf(frames.nextStartingWith("431")).at("/error/code").asText()).isEqualTo("INVALID_PAYLOAD");
            ws.sendText("422[\"JOIN_CHAT\",{}]", true).get();
            assertThat(ackOf(frames.nextStartingWith("432")).path("ok").asBoolean()).isTrue();
        } finally {
            ws.abort();
        }
    }

    @Test
    void aLoneSurrogateIsStoredAsItIsAcked() throws Exception {
        String cookie;
        try (ChatClient writer = app.writer("surrogates")) {
            cookie = Http.cookiePair(writer.issuedCookie());
        }
        TextFrames frames = new TextFrames(WAIT);
        WebSocket ws = open(cookie, frames);
        try {
            // JSON may name a lone surrogate with an escape; UTF-8 (and so the database) cannot hold one.
            ws.sendText("421[\"SEND_MESSAGE\",{\"content\":\"q\\ud800q\"}]", true).get();
            JsonNode acked = ackOf(frames.nextStartingWith("431")).get("message");
            assertThat(acked.get("content").asText()).isEqualTo("q\uFFFDq");
            JsonNode stored = app.http().get("/api/messages").json().get("messages");
            assertThat(stored.get(stored.size() - 1).get("id")).isEqualTo(acked.get("id"));
            assertThat(stored.get(stored.size() - 1).get("content")).isEqualTo(acked.get("content"));
        } finally {
            ws.abort();
        }
    }

    private static WebSocket open(String cookie, TextFrames frames) throws Exception {
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
        if (cookie != null) {
            builder.header("Cookie", cookie);
        }
        WebSocket ws = builder.buildAsync(URI.create(app.baseUrl().replaceFirst("^http", "ws")
                + "/socket.io/?EIO=4&transport=websocket"), frames).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        ws.sendText("40", true).get();
        frames.nextStartingWith("40");
        return ws;
    }

    /** The ack's argument: {@code 43<id>[{...}]}. */
    private static JsonNode ackOf(String frame) throws Exception {
        return JSON.readTree(frame.substring(frame.indexOf('['))).get(0);
    }
}
