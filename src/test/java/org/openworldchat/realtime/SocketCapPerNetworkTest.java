package org.openworldchat.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

/**
 * The socket cap counts whole IPv6 addresses, and one subscriber usually holds a whole /64 of
 * them: rotating through it dodged the cap. A /64 has a cap of its own beside it
 * ({@code MAX_SOCKETS_PER_IPV6_64}), larger than the per-address one.
 */
class SocketCapPerNetworkTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass(Map.of(
            "TRUST_PROXY", "true", "MAX_SOCKETS_PER_IP", "2", "MAX_SOCKETS_PER_IPV6_64", "5"));

    private static final String POLLING = "/socket.io/?EIO=4&transport=polling";

    @Test
    void addressesRotatingInsideOneSlash64ShareItsCap() {
        List<ChatClient> open = new ArrayList<>();
        try {
            for (int i = 1; i <= 5; i++) {
                open.add(connect("2001:db8:1:2::" + Integer.toHexString(i)));
            }
            for (String rotated : new String[]{"2001:db8:1:2::6", "2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2:abcd::1"}) {
                assertThatThrownBy(() -> connect(rotated)).as(rotated).isInstanceOf(IllegalStateException.class);
                Http.Reply refused = app.http().get(POLLING, "X-Forwarded-For", rotated);
                assertThat(refused.status()).isEqualTo(429);
                assertThat(refused.json().at("/error/code").asText()).isEqualTo("RATE_LIMITED");
            }
            // The next /64 has its own places; so has any IPv4 address.
            try (ChatClient neighbour = connect("2001:db8:1:3::1"); ChatClient v4 = connect("192.0.2.77")) {
                assertThat(neighbour.join().get("ok").asBoolean()).isTrue();
                assertThat(v4.join().get("ok").asBoolean()).isTrue();
            }
            // A place given back is a place of the /64 again.
            open.remove(0).close();
            Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                try (ChatClient again = connect("2001:db8:1:2::7")) {
                    assertThat(again.connected()).isTrue();
                }
            });
        } finally {
            open.forEach(ChatClient::close);
        }
    }

    @Test
    void oneIpv6AddressStillHasOnlyItsOwnCap() {
        List<ChatClient> open = new ArrayList<>();
        try {
            open.add(connect("2001:db8:9:9::1"));
            open.add(connect("2001:db8:9:9::1"));
            assertThatThrownBy(() -> connect("2001:db8:9:9::1")).isInstanceOf(IllegalStateException.class);
            try (ChatClient sameNetwork = connect("2001:db8:9:9::2")) {
                assertThat(sameNetwork.connected()).isTrue();
            }
        } finally {
            open.forEach(ChatClient::close);
        }
    }

    private static ChatClient connect(String address) {
        return ChatClient.connect(app.baseUrl(), Map.of("X-Forwarded-For", address), "websocket");
    }
}
