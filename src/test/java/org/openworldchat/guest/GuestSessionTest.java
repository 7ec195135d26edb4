package org.openworldchat.guest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openworldchat.batch.BatchObserver;
import org.openworldchat.ratelimit.InMemoryRateLimiter;
import org.openworldchat.ratelimit.RateLimits;
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
                .contains("HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=31536000");
        assertThat(attributes(setCookie)).as("COOKIE_SECURE is off by default").doesNotContain("Secure");
        JsonNode body = first.json();
        assertThat(body.get("username").isNull()).isTrue();
        String guestId = body.get("guestId").asText();
        assertThat(body.get("defaultUsername").asText())
                .isEqualTo("Guest_" + guestId.substring(0, 4).toUpperCase());

        Http.Reply again = app.http().get("/api/session", "Cookie", Http.cookiePair(setCookie));
        assertThat(again.json().get("guestId").asText()).isEqualTo(guestId);
        assertThat(again.header("set-cookie")).as("a valid cookie is kept").isNull();
    }

    /** Behind HTTPS the cookie is {@code Secure}, from the HTTP API and from the Socket.IO handshake alike. */
    @Test
    void cookieSecureAddsTheSecureAttributeEverywhereTheCookieIsIssued() {
        try (TestApp secure = TestApp.start(Map.of("COOKIE_SECURE", "true"))) {
            String fromApi = secure.http().get("/api/session").header("set-cookie");
            assertThat(fromApi).startsWith("owc_guest=").contains("HttpOnly", "SameSite=Lax", "Path=/");
            assertThat(attributes(fromApi)).contains("Secure");
            for (String transport : new String[]{"polling", "websocket"}) {
                try (ChatClient client = ChatClient.connect(secure.baseUrl(), (String) null, transport)) {
                    String fromHandshake = client.issuedCookie();
                    assertThat(fromHandshake).as(transport).startsWith("owc_guest=").contains("HttpOnly");
                    assertThat(attributes(fromHandshake)).as(transport).contains("Secure");
                }
            }
        }
    }

    /** The attribute names of a Set-Cookie value, e.g. {@code [Max-Age, Path, HttpOnly, SameSite, Secure]}. */
    private static List<String> attributes(String setCookie) {
        List<String> names = new ArrayList<>();
        String[] parts = setCookie.split(";");
        for (int i = 1; i < parts.length; i++) {
            names.add(parts[i].strip().split("=", 2)[0]);
        }
        return names;
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
                assertThat(attributes(client.issuedCookie())).as(transport).doesNotContain("Secure");
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
    void manyJoinsAtOnceEachGetTheirOwnGuestOnce() throws Exception {
        // Joins are recorded in batches; a batch may hold several tabs of one guest. Reading stores nothing.
        String cookie = Http.cookiePair(app.http().get("/api/session").header("set-cookie"));
        List<ChatClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                clients.add(ChatClient.connect(app.baseUrl(), i % 10 == 0 ? cookie : null, "websocket"));
            }
            List<CompletableFuture<JsonNode>> joins = clients.stream()
                    .map(client -> CompletableFuture.supplyAsync(client::join)).toList();
            Set<String> guests = new HashSet<>();
            String tabGuest = null;
            for (int i = 0; i < joins.size(); i++) {
                String guestId = ChatClient.ok(joins.get(i).get()).get("guestId").asText();
                guests.add(guestId);
                if (i % 10 == 0) {
                    assertThat(tabGuest == null || tabGuest.equals(guestId)).as("tabs of one cookie share a guest").isTrue();
                    tabGuest = guestId;
                }
            }
            assertThat(guests).hasSize(37);
            try (Connection sql = app.sql(); ResultSet rs = sql.createStatement().executeQuery(
                    "SELECT count(*) FROM guest_users WHERE guest_id::text IN ('" + String.join("','", guests) + "')")) {
                rs.next();
                assertThat(rs.getInt(1)).as("readers are stored nowhere").isZero();
            }
        } finally {
            clients.forEach(ChatClient::close);
        }
    }

    @Test
    void oneGuestTouchedManyTimesAtOnceIsOneRow() throws Exception {
        // The first touch occupies the batch writer; the others queue up behind it and go out as
        // one batch that names the same guests thirty times.
        Jdbi jdbi = Jdbi.create(app::sql);
        UUID stored = UUID.randomUUID();
        UUID reader = UUID.randomUUID();
        try (Connection sql = app.sql()) {
            sql.createStatement().executeUpdate("INSERT INTO guest_users (id, guest_id, username) VALUES (gen_random_uuid(), '"
                    + stored + "', 'touched_often')");
        }
        try (GuestService guests = new GuestService(jdbi, app.clock(),
                new RateLimits(new InMemoryRateLimiter(Map.of(), app.clock())), BatchObserver.NONE);
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<Guest>> touches = IntStream.range(0, 60)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> guests.touch(i % 2 == 0 ? stored : reader), threads))
                    .toList();
            for (int i = 0; i < touches.size(); i++) {
                Guest guest = touches.get(i).get();
                assertThat(guest.guestId()).isEqualTo(i % 2 == 0 ? stored : reader);
                assertThat(guest.username()).isEqualTo(i % 2 == 0 ? Optional.of("touched_often") : Optional.empty());
            }
        }
        try (Connection sql = app.sql(); ResultSet rs = sql.createStatement().executeQuery(
                "SELECT count(*) FILTER (WHERE guest_id = '" + stored + "'), count(*) FILTER (WHERE guest_id = '" + reader
                        + "') FROM guest_users")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
            assertThat(rs.getInt(2)).as("a touch stores no guest").isZero();
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
