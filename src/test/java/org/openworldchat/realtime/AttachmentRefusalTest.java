package org.openworldchat.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.Http;
import org.openworldchat.support.Polling;
import org.openworldchat.support.RawWebSocket;
import org.openworldchat.support.TestApp;

/**
 * Socket.IO binary packets are not part of the contract. netty-socketio buffered the attachments a
 * packet announced, without bound (four sockets took the heap from 348 MB to 2.9 GB in 15 s): a
 * packet announcing any, and any binary frame or payload, now ends its connection before anything
 * is buffered.
 */
class AttachmentRefusalTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    private static final String WEBSOCKET = "/socket.io/?EIO=4&transport=websocket";
    private static final String ANNOUNCES_ATTACHMENTS =
            "451000000-[\"SEND_MESSAGE\",{\"content\":{\"_placeholder\":true,\"num\":0}}]";
    private static final Duration AT_ONCE = Duration.ofSeconds(2);

    @Test
    void aPacketAnnouncingAttachmentsClosesItsWebsocketBeforeAnyIsSent() throws Exception {
        for (String packet : new String[]{ANNOUNCES_ATTACHMENTS, "451-[\"SEND_MESSAGE\",{}]",
                "4612-[{\"_placeholder\":true,\"num\":0}]", "451-/,7[\"SEND_MESSAGE\",{}]"}) {
            try (RawWebSocket ws = connected()) {
                ws.send(packet);
                assertThat(ws.closedWithin(AT_ONCE)).as("closed after %s", packet).isTrue();
            }
        }
    }

    @Test
    void aBinaryFrameClosesItsWebsocket() throws Exception {
        try (RawWebSocket ws = connected()) {
            // The library read a binary frame as text: this one would have been a JOIN_CHAT.
            ws.sendBinary("421[\"JOIN_CHAT\",{}]".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(ws.closedWithin(AT_ONCE)).isTrue();
        }
    }

    @Test
    void aPollingPostAnnouncingAttachmentsEndsItsSession() {
        Polling polling = new Polling(app.baseUrl());
        // Engine.IO v4 packets joined by its record separator; its base64 binary packet ("b..."); the
        // length-prefixed framing of older versions, which the library still reads.
        for (String body : new String[]{ANNOUNCES_ATTACHMENTS, "42[\"JOIN_CHAT\"]\u001e" + ANNOUNCES_ATTACHMENTS,
                "bAAECAwQ=", (ANNOUNCES_ATTACHMENTS.length()) + ":" + ANNOUNCES_ATTACHMENTS}) {
            Polling.Opened session = polling.open();
            assertThat(polling.post(session.sid(), "40").status()).isEqualTo(200);
            assertThat(polling.poll(session.sid(), AT_ONCE).body()).startsWith("40");

            polling.post(session.sid(), body);
            Http.Reply after = polling.poll(session.sid(), AT_ONCE);
            if (after.status() == 200) {
                // The payload is handled after its POST is answered, on the connection that
                // carried it: a poll on another connection can come first, and then gets the
                // session's last packets as it ends. The one after it finds no session.
                after = polling.poll(session.sid(), AT_ONCE);
            }
            assertThat(after.status()).as("the session is gone after %s", body).isEqualTo(400);
        }
    }

    @Test
    void textThatOnlyLooksLikeAnAttachmentHeaderIsAnOrdinaryMessage() throws Exception {
        try (ChatClient writer = app.writer("lookalike")) {
            String text = "451-[{\"_placeholder\":true,\"num\":0}]";
            assertThat(writer.emit("SEND_MESSAGE", Map.of("content", text)).at("/message/content").asText())
                    .isEqualTo(text);
            assertThat(writer.connected()).isTrue();
        }
    }

    private static RawWebSocket connected() throws Exception {
        RawWebSocket ws = RawWebSocket.open(app.port(), WEBSOCKET, Map.of());
        assertThat(ws.next()).startsWith("0{");
        ws.send("40");
        ws.nextStartingWith("40");
        return ws;
    }
}
