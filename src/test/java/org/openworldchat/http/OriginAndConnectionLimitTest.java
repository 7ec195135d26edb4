package org.openworldchat.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.Http;
import org.openworldchat.support.TestApp;

/** Origin checks (HTTP and Socket.IO), the per-address socket limit and the connect timeout. */
class OriginAndConnectionLimitTest {

    /** Production waits 10 s for a session's Socket.IO connect; every client here sends it at once. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final String POLLING = "/socket.io/?EIO=4&transport=polling";

    @RegisterExtension
    static final TestApp app = TestApp.perClass(Map.of(
            "CORS_ORIGINS", "https://friend.example", "MAX_SOCKETS_PER_IP", "3", "TRUST_PROXY", "true"))
            .withSocketConnectTimeout(CONNECT_TIMEOUT);

    private Http.Reply get(String path, String... headers) {
        return app.http().get(path, headers);
    }

    @Test
    void httpFromAForeignOriginIsRefused() {
        Http.Reply evil = get("/api/session", "Origin", "https://evil.example");
        assertThat(evil.status()).isEqualTo(403);
        assertThat(evil.json().at("/error/code").asText()).isEqualTo("FORBIDDEN_ORIGIN");
        assertThat(evil.header("access-control-allow-origin")).isNull();
        assertThat(evil.header("set-cookie")).isNull();
    }

    @Test
    void ownOriginFriendsAndNonBrowsersAreAllowed() {
        assertThat(get("/api/session").status()).isEqualTo(200);
        String own = "http://127.0.0.1:" + app.port();
        Http.Reply same = get("/api/session", "Origin", own);
        assertThat(same.status()).isEqualTo(200);
        assertThat(same.header("access-control-allow-origin")).isNull();

        Http.Reply friend = get("/api/session", "Origin", "https://friend.example");
        assertThat(friend.status()).isEqualTo(200);
        assertThat(friend.header("access-control-allow-origin")).isEqualTo("https://friend.example");
        assertThat(friend.header("access-control-allow-credentials")).isEqualTo("true");

        Http.Reply preflight = app.http().send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/uploads"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://friend.example").header("Access-Control-Request-Method", "POST").build());
        assertThat(preflight.status()).isEqualTo(204);
        assertThat(preflight.header("access-control-allow-methods")).contains("POST");
        assertThat(preflight.header("access-control-allow-origin")).isEqualTo("https://friend.example");
    }

    @Test
    void socketIoHandshakesFromAForeignOriginAreRefused() {
        Http.Reply polling = get("/socket.io/?EIO=4&transport=polling", "Origin", "https://evil.example");
        assertThat(polling.status()).isEqualTo(403);
        assertThat(polling.json().at("/error/code").asText()).isEqualTo("FORBIDDEN_ORIGIN");
        for (String transport : new String[]{"polling", "websocket"}) {
            assertThatThrownBy(() -> ChatClient.connect(app.baseUrl(),
                    Map.of("Origin", "https://evil.example", "X-Forwarded-For", "198.51.100.1"), transport).close())
                    .as(transport).isInstanceOf(IllegalStateException.class);
            try (ChatClient friend = ChatClient.connect(app.baseUrl(),
                    Map.of("Origin", "https://friend.example", "X-Forwarded-For", "198.51.100.2"), transport)) {
                assertThat(friend.join().get("ok").asBoolean()).isTrue();
            }
        }
    }

    @Test
    void pollingResponsesKeepTheirCorsHeadersAfterTheSocketConnects() {
        // A connected socket keeps only the Origin of its handshake headers; the polling responses
        // that follow must still carry their CORS headers.
        String friend = "https://friend.example";
        String[] headers = {"Origin", friend, "X-Forwarded-For", "198.51.100.7"};
        Http.Reply open = get("/socket.io/?EIO=4&transport=polling", headers);
        assertThat(open.status()).isEqualTo(200);
        String sid = open.body().replaceAll(".*\"sid\":\"([^\"]+)\".*", "$1");
        String path = "/socket.io/?EIO=4&transport=polling&sid=" + sid;
        Http.Reply connect = app.http().send(HttpRequest.newBuilder(URI.create(app.baseUrl() + path))
                .POST(HttpRequest.BodyPublishers.ofString("40"))
                .header("Origin", friend).header("X-Forwarded-For", "198.51.100.7").build());
        assertThat(connect.status()).isEqualTo(200);
        Http.Reply connected = get(path, headers);
        assertThat(connected.body()).startsWith("40");
        assertThat(connected.header("access-control-allow-origin")).isEqualTo(friend);
    }

    @Test
    void anAddressHoldsAtMostItsShareOfSockets() {
        List<ChatClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                open.add(ChatClient.connect(app.baseUrl(), Map.of("X-Forwarded-For", "203.0.113.9"), "websocket"));
            }
            assertThatThrownBy(() -> ChatClient.connect(app.baseUrl(), Map.of("X-Forwarded-For", "203.0.113.9"), "polling"))
                    .isInstanceOf(IllegalStateException.class);
            Http.Reply refused = get("/socket.io/?EIO=4&transport=polling", "X-Forwarded-For", "203.0.113.9");
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.json().at("/error/code").asText()).isEqualTo("RATE_LIMITED");
            // Another address is not affected; a spoofed first hop does not help (only the last counts).
            try (ChatClient other = ChatClient.connect(app.baseUrl(), Map.of("X-Forwarded-For", "203.0.113.10"), "websocket")) {
                assertThat(other.join().get("ok").asBoolean()).isTrue();
            }
            assertThatThrownBy(() -> ChatClient.connect(app.baseUrl(),
                    Map.of("X-Forwarded-For", "10.9.9.9, 203.0.113.9"), "websocket"))
                    .isInstanceOf(IllegalStateException.class);
            open.remove(0).close();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() -> {
                try (ChatClient again = ChatClient.connect(app.baseUrl(), Map.of("X-Forwarded-For", "203.0.113.9"), "websocket")) {
                    assertThat(again.connected()).isTrue();
                }
            });
        } finally {
            open.forEach(ChatClient::close);
        }
    }

    @Test
    void pollingSessionsThatNeverConnectHoldPlacesUntilTheConnectTimeout() throws Exception {
        String address = "203.0.113.20";
        List<ChatClient> connected = new ArrayList<>();
        try {
            connected.add(connect(address));
            // A session opened by GET (which the library connects to the namespace by itself) and
            // one opened by POST (which it never connects); neither sends "40".
            Http.Reply polled = get(POLLING, "X-Forwarded-For", address);
            assertThat(polled.status()).isEqualTo(200);
            String polledSid = polled.body().replaceAll(".*\"sid\":\"([^\"]+)\".*", "$1");
            Http.Reply posted = app.http().send(HttpRequest.newBuilder(URI.create(app.baseUrl() + POLLING))
                    .POST(HttpRequest.BodyPublishers.ofString("")).header("X-Forwarded-For", address).build());
            assertThat(posted.status()).isEqualTo(200);

            Http.Reply refused = get(POLLING, "X-Forwarded-For", address);
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.json().at("/error/code").asText()).isEqualTo("RATE_LIMITED");
            assertThat(refused.json().at("/error/retryAfterMs").isMissingNode()).isTrue();
            assertThatThrownBy(() -> RawWebSocket.open(address)).as("websocket handshake")
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("429");

            // At the timeout the sessions are closed and forgotten...
            Awaitility.await().atMost(CONNECT_TIMEOUT.plusSeconds(10)).until(() ->
                    get(POLLING + "&sid=" + polledSid, "X-Forwarded-For", address).status() == 400);
            // ...and their two places come back, each once: two sockets that connect get in, and
            // stay past the timeout, and the address is full again.
            awaitConnected(address, connected, 3);
            Thread.sleep(CONNECT_TIMEOUT.plusSeconds(1).toMillis());
            for (ChatClient client : connected) {
                assertThat(client.join().get("ok").asBoolean()).isTrue();
            }
            assertThat(get(POLLING, "X-Forwarded-For", address).status()).isEqualTo(429);
        } finally {
            connected.forEach(ChatClient::close);
        }
    }

    @Test
    void aWebsocketThatNeverConnectsIsClosedAtTheConnectTimeout() throws Exception {
        String address = "203.0.113.22";
        List<ChatClient> connected = new ArrayList<>();
        connected.add(connect(address));
        connected.add(connect(address));
        try (RawWebSocket silent = RawWebSocket.open(address)) {
            assertThat(silent.next()).startsWith("0{");
            assertThat(get(POLLING, "X-Forwarded-For", address).status()).isEqualTo(429);

            assertThat(silent.closedWithin(CONNECT_TIMEOUT.dividedBy(2))).as("closed before the timeout").isFalse();
            assertThat(silent.closedWithin(CONNECT_TIMEOUT.plusSeconds(10))).as("closed at the timeout").isTrue();
            // Its place comes back once: one more socket fills the address again.
            awaitConnected(address, connected, 3);
            assertThat(get(POLLING, "X-Forwarded-For", address).status()).isEqualTo(429);
        } finally {
            connected.forEach(ChatClient::close);
        }
    }

    @Test
    void aSocketThatLeavesTheNamespaceTakesItsConnectionWithIt() throws Exception {
        // Without this the Engine.IO session stayed open, no longer counted, for as long as its peer
        // kept the connection: a way around the limit.
        try (RawWebSocket ws = RawWebSocket.open("203.0.113.21")) {
            assertThat(ws.next()).startsWith("0{");
            ws.send("40");
            assertThat(ws.next()).startsWith("40{");
            ws.send("41");
            assertThat(ws.closedWithin(Duration.ofSeconds(10))).isTrue();
        }
    }

    private static ChatClient connect(String address) {
        return ChatClient.connect(app.baseUrl(), Map.of("X-Forwarded-For", address), "websocket");
    }

    /** Connects sockets from the address as places come back, until it holds {@code count}. */
    private static void awaitConnected(String address, List<ChatClient> connected, int count) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            try {
                connected.add(connect(address));
            } catch (IllegalStateException refused) {
                // not yet
            }
            return connected.size() >= count;
        });
    }

    /**
     * A websocket to the Socket.IO endpoint over a plain TCP socket, written by hand: it says
     * nothing unless told to, and sees the server close the connection for certain.
     */
    private static final class RawWebSocket implements AutoCloseable {
        private final Socket socket;
        private final DataInputStream in;

        private RawWebSocket(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new DataInputStream(socket.getInputStream());
        }

        /** Opens one from the address; fails unless the server answers 101. */
        static RawWebSocket open(String address) throws IOException {
            Socket socket = new Socket("127.0.0.1", app.port());
            socket.setSoTimeout(10_000);
            RawWebSocket ws = new RawWebSocket(socket);
            socket.getOutputStream().write(("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "X-Forwarded-For: " + address + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                head.append((char) ws.in.readUnsignedByte());
            }
            if (!head.toString().startsWith("HTTP/1.1 101")) {
                socket.close();
                throw new IllegalStateException("handshake refused: " + head.toString().lines().findFirst().orElse(""));
            }
            return ws;
        }

        /** The next text frame (all the server sends here is short and unfragmented). */
        String next() throws IOException {
            in.readUnsignedByte();
            int length = in.readUnsignedByte();
            if (length == 126) {
                length = in.readUnsignedShort();
            }
            byte[] payload = new byte[length];
            in.readFully(payload);
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** Sends a text frame, masked (with a zero key) as from every client. */
        void send(String text) throws IOException {
            byte[] payload = text.getBytes(StandardCharsets.UTF_8);
            byte[] frame = new byte[6 + payload.length];
            frame[0] = (byte) 0x81;
            frame[1] = (byte) (0x80 | payload.length);
            System.arraycopy(payload, 0, frame, 6, payload.length);
            socket.getOutputStream().write(frame);
        }

        /** Whether the server closes the connection in time; what it sends until then is skipped. */
        boolean closedWithin(Duration wait) throws IOException {
            socket.setSoTimeout((int) wait.toMillis());
            try {
                while (in.read() >= 0) {
                    // skipped
                }
                return true;
            } catch (SocketTimeoutException stillOpen) {
                return false;
            } catch (IOException reset) {
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
