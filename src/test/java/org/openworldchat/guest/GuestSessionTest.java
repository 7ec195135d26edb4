package org.openworldchat.guest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.Http;
import org.openworldchat.support.TestApp;

/** The guest cookie: minted only by the server, the same guest on every socket that carries it. */
class GuestSessionTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @Test
    void sessionEndpointIssuesAnHttpOnlyCookieOnce() {
        Http.Reply first = app.http().get("/api/session");
        assertThat(first.status()).isEqualTo(200);
        String setCookie = first.header("set-cookie");
        assertThat(setCookie).startsWith("owc_guest=")
                .contains("HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=31536000").doesNotContain("Secure");
        JsonNode body = first.json();
        assertThat(body.get("username").isNull()).isTrue();
        String guestId = body.get("guestId").asText();
        assertThat(body.get("defaultUsername").asText())
                .isEqualTo("Guest_" + guestId.substring(0, 4).toUpperCase());

        Http.Reply again = app.http().get("/api/session", "Cookie", Http.cookiePair(setCookie));
        assertThat(again.json().get("guestId").asText()).isEqualTo(guestId);
        assertThat(again.header("set-cookie")).as("a valid cookie is kept").isNull();
    }

    @Test
    void forgedOrTamperedCookiesCountAsNone() {
        JsonNode victim = app.http().get("/api/session").json();
        String victimId = victim.get("guestId").asText();
        for (String forged : new String[]{"owc_guest=" + victimId, "owc_guest=AAAA", "owc_guest="}) {
            Http.Reply reply = app.http().get("/api/session", "Cookie", forged);
            assertThat(reply.json().get("guestId").asText()).isNotEqualTo(victimId);
            assertThat(reply.header("set-cookie")).startsWith("owc_guest=");
        }
    }

    @Test
    void handshakeWithoutCookieCreatesAGuestAndSetsTheCookie() {
        for (String transport : new String[]{"polling", "websocket"}) {
            try (ChatClient client = ChatClient.connect(app.baseUrl(), (String) null, transport)) {
                assertThat(client.issuedCookie()).as(transport).startsWith("owc_guest=").contains("HttpOnly");
                JsonNode ack = client.join();
                String cookie = Http.cookiePair(client.issuedCookie());
                JsonNode session = app.http().get("/api/session", "Cookie", cookie).json();
                assertThat(session.get("guestId")).isEqualTo(ack.get("guestId"));
            }
        }
    }

    @Test
    void oneCookieIsOneGuestOnEverySocket() {
        Http.Reply session = app.http().get("/api/session");
        String cookie = Http.cookiePair(session.header("set-cookie"));
        String guestId = session.json().get("guestId").asText();
        try (ChatClient tab1 = ChatClient.connect(app.baseUrl(), cookie, "websocket");
             ChatClient tab2 = ChatClient.connect(app.baseUrl(), cookie, "polling")) {
            assertThat(tab1.issuedCookie()).as("no new cookie for a known guest").isNull();
            assertThat(tab1.join().get("guestId").asText()).isEqualTo(guestId);
            assertThat(tab2.join().get("guestId").asText()).isEqualTo(guestId);
            tab1.setUsername("tabby");
            JsonNode join = tab2.emit("JOIN_CHAT", null);
            assertThat(join.get("username").asText()).as("JOIN_CHAT twice is harmless").isEqualTo("tabby");
        }
    }

    @Test
    void aClientCannotClaimAGuestThroughTheInternalHeader() {
        JsonNode victim = app.http().get("/api/session").json();
        String victimId = victim.get("guestId").asText();
        try (ChatClient attacker = connectWithHeader("x-owc-verified-guest", victimId)) {
            assertThat(attacker.join().get("guestId").asText()).isNotEqualTo(victimId);
        }
    }

    private ChatClient connectWithHeader(String name, String value) {
        return ChatClient.connect(app.baseUrl(), Map.of(name, value), "polling");
    }
}
