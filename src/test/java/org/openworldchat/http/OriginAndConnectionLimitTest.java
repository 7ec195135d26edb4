package org.openworldchat.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.Http;
import org.openworldchat.support.TestApp;

/** Origin checks (HTTP and Socket.IO) and the per-address socket limit. */
class OriginAndConnectionLimitTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass(Map.of(
            "CORS_ORIGINS", "https://friend.example", "MAX_SOCKETS_PER_IP", "3", "TRUST_PROXY", "true"));

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
}
