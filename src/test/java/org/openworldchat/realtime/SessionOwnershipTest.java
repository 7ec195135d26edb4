package org.openworldchat.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openworldchat.support.Http;
import org.openworldchat.support.Polling;
import org.openworldchat.support.RawWebSocket;
import org.openworldchat.support.TestApp;

/**
 * An Engine.IO session id is no credential: with a victim's sid, a request without a cookie or with
 * another guest's cookie used to post {@code JOIN_CHAT} as the victim and read the victim's
 * packets. A session now answers only its own guest's cookie, or, when its handshake had no valid
 * cookie, its own address; and the library's {@code io} cookie, which carried the sid to scripts,
 * is no longer set.
 */
class SessionOwnershipTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass(Map.of("TRUST_PROXY", "true"));

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String FORGED = "owc_guest=00000000-0000-0000-0000-000000000000.AAAA";

    private final Polling polling = new Polling(app.baseUrl());

    @Test
    void aSessionAnswersOnlyTheCookieOfItsGuest() throws Exception {
        String address = "198.51.100.30"; // the attacker shares the victim's address (one NAT)
        String victim = cookieOfANewGuest(address);
        String other = cookieOfANewGuest(address);
        Polling.Opened session = polling.open("Cookie", victim, "X-Forwarded-For", address);
        assertThat(polling.post(session.sid(), "40", "Cookie", victim, "X-Forwarded-For", address).status()).isEqualTo(200);
        assertThat(polling.poll(session.sid(), WAIT, "Cookie", victim, "X-Forwarded-For", address).body()).startsWith("40");

        for (String[] attacker : List.of(new String[]{"X-Forwarded-For", address},
                new String[]{"Cookie", other, "X-Forwarded-For", address},
                new String[]{"Cookie", FORGED, "X-Forwarded-For", address})) {
            assertThat(polling.post(session.sid(), "421[\"JOIN_CHAT\",{}]", attacker).status())
                    .as("POST %s", List.of(attacker)).isEqualTo(400);
            Http.Reply read = polling.poll(session.sid(), WAIT, attacker);
            assertThat(read.status()).as("GET %s", List.of(attacker)).isEqualTo(400);
            assertThat(read.body()).isEqualTo("{\"code\":1,\"message\":\"Session ID unknown\"}");
            assertThatThrownBy(() -> RawWebSocket.open(app.port(), upgrade(session.sid()), headers(attacker)).close())
                    .as("upgrade %s", List.of(attacker)).hasMessageContaining("400");
        }

        // The victim's session is untouched: nothing the attacker posted was taken as its own.
        assertThat(polling.post(session.sid(), "422[\"JOIN_CHAT\",{}]", "Cookie", victim, "X-Forwarded-For", address)
                .status()).isEqualTo(200);
        String answer = polling.poll(session.sid(), WAIT, "Cookie", victim, "X-Forwarded-For", address).body();
        assertThat(answer).startsWith("432[").doesNotContain("431[");
        try (RawWebSocket upgraded = RawWebSocket.open(app.port(), upgrade(session.sid()),
                Map.of("Cookie", victim, "X-Forwarded-For", address))) {
            upgraded.send("2probe");
            assertThat(upgraded.next()).isEqualTo("3probe");
        }
    }

    @Test
    void aSessionOpenedWithoutACookieIsBoundToItsAddress() throws Exception {
        String address = "198.51.100.31";
        String elsewhere = "198.51.100.32";
        String other = cookieOfANewGuest(address);
        Polling.Opened session = polling.open("X-Forwarded-For", address);
        assertThat(session.issuedCookie()).as("a guest is issued").isNotNull();
        assertThat(polling.post(session.sid(), "40", "X-Forwarded-For", address).status()).isEqualTo(200);
        assertThat(polling.poll(session.sid(), WAIT, "X-Forwarded-For", address).body()).startsWith("40");

        for (String[] attacker : List.of(new String[]{"X-Forwarded-For", elsewhere},
                new String[]{"Cookie", other, "X-Forwarded-For", address},
                new String[]{"Cookie", other, "X-Forwarded-For", elsewhere})) {
            assertThat(polling.post(session.sid(), "421[\"JOIN_CHAT\",{}]", attacker).status())
                    .as("POST %s", List.of(attacker)).isEqualTo(400);
            assertThat(polling.poll(session.sid(), WAIT, attacker).status()).as("GET %s", List.of(attacker)).isEqualTo(400);
            assertThatThrownBy(() -> RawWebSocket.open(app.port(), upgrade(session.sid()), headers(attacker)).close())
                    .as("upgrade %s", List.of(attacker)).hasMessageContaining("400");
        }

        // Its own address, with or without the cookie its handshake issued, is its owner.
        assertThat(polling.post(session.sid(), "422[\"JOIN_CHAT\",{}]", "X-Forwarded-For", address).status()).isEqualTo(200);
        assertThat(polling.poll(session.sid(), WAIT, "Cookie", session.cookiePair(), "X-Forwarded-For", address).body())
                .startsWith("432[").doesNotContain("431[");
        try (RawWebSocket upgraded = RawWebSocket.open(app.port(), upgrade(session.sid()), Map.of("X-Forwarded-For", address))) {
            upgraded.send("2probe");
            assertThat(upgraded.next()).isEqualTo("3probe");
        }
    }

    @Test
    void noAnswerSetsTheLibrarysIoCookie() {
        Polling.Opened session = polling.open("X-Forwarded-For", "198.51.100.33");
        String[] from = {"X-Forwarded-For", "198.51.100.33"};
        List<Http.Reply> answers = List.of(session.reply(),
                polling.post(session.sid(), "40", from),
                polling.poll(session.sid(), WAIT, from),
                app.http().send(HttpRequest.newBuilder(URI.create(app.baseUrl() + Polling.PATH + "&sid=" + session.sid()))
                        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header(from[0], from[1]).build()));
        for (Http.Reply answer : answers) {
            assertThat(answer.headers().allValues("set-cookie")).noneMatch(c -> c.startsWith("io="));
        }
        assertThat(session.issuedCookie()).contains("HttpOnly");
    }

    private String cookieOfANewGuest(String address) {
        return Http.cookiePair(app.http().get("/api/session", "X-Forwarded-For", address).header("set-cookie"));
    }

    private static String upgrade(String sid) {
        return "/socket.io/?EIO=4&transport=websocket&sid=" + sid;
    }

    private static Map<String, String> headers(String[] pairs) {
        java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            headers.put(pairs[i], pairs[i + 1]);
        }
        return headers;
    }
}
