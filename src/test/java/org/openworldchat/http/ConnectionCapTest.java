package org.openworldchat.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.LocalAddressSockets;
import org.openworldchat.support.RawHttp;
import org.openworldchat.support.TestApp;

/**
 * The cap on concurrent connections per client address (64 by default), for connections of
 * every kind: kept-alive API connections, websockets, connections that have not sent a request.
 * Without it one address held connections until the node ran out of file descriptors.
 */
class ConnectionCapTest {

    private static final int CAP = 64;

    @Test
    void theSixtyFifthConnectionOfAnAddressIsClosedWhileOthersAreServed() {
        try (TestApp app = TestApp.start(Map.of("MAX_CONNECTIONS_PER_IP", String.valueOf(CAP)))) {
            String attacker = "127.0.0.3";
            List<RawHttp> held = new ArrayList<>();
            List<ChatClient> sockets = new ArrayList<>();
            try {
                // Two websockets and 62 kept-alive API connections fill the address's places.
                for (int i = 0; i < 2; i++) {
                    sockets.add(ChatClient.connect(app.baseUrl(), Map.of(),
                            LocalAddressSockets.from(attacker).httpClient(), "websocket"));
                }
                for (int i = 0; i < CAP - 2; i++) {
                    RawHttp http = RawHttp.open(app.port(), attacker);
                    assertThat(http.send(RawHttp.request("GET", "/health")).read().status()).isEqualTo(200);
                    held.add(http);
                }
                try (RawHttp refused = RawHttp.open(app.port(), attacker)) {
                    assertThat(refused.restUntilClosed(Duration.ofSeconds(5))).as("closed without an answer").isEmpty();
                }
                // Another address is served at once, over HTTP and Socket.IO alike.
                try (RawHttp other = RawHttp.open(app.port(), "127.0.0.4")) {
                    assertThat(other.send(RawHttp.request("GET", "/health")).read().status()).isEqualTo(200);
                }
                try (ChatClient other = ChatClient.connect(app.baseUrl(), Map.of(),
                        LocalAddressSockets.from("127.0.0.4").httpClient(), "websocket")) {
                    assertThat(other.join().get("ok").asBoolean()).isTrue();
                }
                assertThat(sockets.get(0).join().get("ok").asBoolean()).as("the address's own sockets still work").isTrue();
                assertThat(app.http().get("/metrics").body())
                        .containsPattern("owc_http_connections_closed_total\\{reason=\"address_limit\"} [1-9]");

                // A closed connection gives its place back.
                held.remove(0).close();
                Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                    try (RawHttp again = RawHttp.open(app.port(), attacker)) {
                        assertThat(again.send(RawHttp.request("GET", "/health")).read().status()).isEqualTo(200);
                    }
                });
            } finally {
                held.forEach(RawHttp::close);
                sockets.forEach(ChatClient::close);
            }
        }
    }

    @Test
    void behindATrustedProxyTheForwardedAddressIsCappedAndNotTheProxy() {
        try (TestApp app = TestApp.start(Map.of("MAX_CONNECTIONS_PER_IP", "2", "TRUST_PROXY", "true"))) {
            List<RawHttp> held = new ArrayList<>();
            try {
                // Every connection comes from the proxy (127.0.0.1 here): far more than its cap.
                for (int i = 1; i <= 30; i++) {
                    held.add(served(app, "198.51.100." + i));
                }
                held.add(served(app, "203.0.113.7"));
                held.add(served(app, "203.0.113.7"));
                try (RawHttp third = RawHttp.open(app.port())) {
                    RawHttp.Answer refused = third.send(RawHttp.request("GET", "/health", "X-Forwarded-For: 203.0.113.7")).read();
                    assertThat(refused.status()).isEqualTo(429);
                    assertThat(refused.text()).contains("\"RATE_LIMITED\"");
                    assertThat(third.closedWithin(Duration.ofSeconds(5))).isTrue();
                }
                // A kept-alive connection whose next request names another address moves to it.
                RawHttp moved = held.remove(held.size() - 1);
                assertThat(moved.send(RawHttp.request("GET", "/health", "X-Forwarded-For: 198.51.100.200")).read().status())
                        .isEqualTo(200);
                held.add(moved);
                held.add(served(app, "203.0.113.7"));

                // An IPv6 /64 holds ten times an address's cap, however many addresses it uses.
                for (int i = 1; i <= 20; i++) {
                    held.add(served(app, "2001:db8:1:1::" + Integer.toHexString(i)));
                }
                try (RawHttp more = RawHttp.open(app.port())) {
                    RawHttp.Answer refused = more.send(RawHttp.request("GET", "/health", "X-Forwarded-For: 2001:db8:1:1::ff")).read();
                    assertThat(refused.status()).isEqualTo(429);
                }
                held.add(served(app, "2001:db8:1:2::1"));
            } finally {
                held.forEach(RawHttp::close);
            }
        }
    }

    /** A kept-alive connection whose request named {@code address} (through the proxy) and was answered. */
    private static RawHttp served(TestApp app, String address) {
        RawHttp http = RawHttp.open(app.port());
        assertThat(http.send(RawHttp.request("GET", "/health", "X-Forwarded-For: " + address)).read().status())
                .as(address).isEqualTo(200);
        return http;
    }
}
