package org.openworldchat.moderation;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openworldchat.support.Http;
import org.openworldchat.support.TestApp;

/** The door of the moderation API: tokens, what a request without one learns, the failure limit, no CORS. */
class AdminApiTest {

    static final String ALICE = "alice-token-0123456789abcdefghijklmnop";
    static final String BOB = "bob-token-0123456789abcdefghijklmnopqrs";

    @RegisterExtension
    static final TestApp app = TestApp.perClass(Map.of(
            "ADMIN_TOKENS", "alice:" + ALICE + ", bob:" + BOB,
            "TRUST_PROXY", "true",
            "CORS_ORIGINS", "https://other.example",
            "RATE_LIMIT_ADDRESS_ADMIN_FAILURES", "10/1m"));

    @RegisterExtension
    static final TestApp withoutTokens = TestApp.perClass();

    @Test
    void withoutTokensTheApiDoesNotExist() {
        Http http = withoutTokens.http();
        assertThat(http.get("/api/admin/audit", "Authorization", "Bearer " + ALICE).status()).isEqualTo(404);
        assertThat(send(withoutTokens, "DELETE", "/api/admin/messages/00000000-0000-0000-0000-000000000001", null, "")
                .status()).isEqualTo(404);
        assertThat(send(withoutTokens, "POST", "/api/admin/anything", null, "{}").status()).isEqualTo(404);
    }

    @Test
    void aRequestWithoutAValidTokenLearnsNothing() {
        for (String path : new String[] {"/api/admin/audit", "/api/admin/no-such-thing",
            "/api/admin/messages/00000000-0000-0000-0000-000000000001"}) {
            for (String token : new String[] {null, "wrong", ALICE + "x", ALICE.substring(1)}) {
                Http.Reply reply = send(app, "GET", path, token, "", "198.51.100." + Math.abs(path.hashCode() % 200));
                assertThat(reply.status()).as(path + " with " + token).isEqualTo(401);
                assertThat(reply.json().at("/error/code").asText()).isEqualTo("ADMIN_AUTH_REQUIRED");
            }
        }
    }

    @Test
    void aModeratorsTokenOpensIt() {
        Http.Reply audit = send(app, "GET", "/api/admin/audit", BOB, "", "198.51.100.201");
        assertThat(audit.status()).isEqualTo(200);
        assertThat(audit.json().has("entries")).isTrue();
        assertThat(audit.json().get("hasMore").asBoolean()).isFalse();
        assertThat(send(app, "GET", "/api/admin/no-such-thing", BOB, "", "198.51.100.201").status()).isEqualTo(404);
        assertThat(send(app, "POST", "/api/admin/audit", BOB, "{}", "198.51.100.201").status()).isEqualTo(405);
        assertThat(send(app, "GET", "/api/admin/audit?limit=0", BOB, "", "198.51.100.201").status()).isEqualTo(400);
        assertThat(send(app, "GET", "/api/admin/audit?before=nope", BOB, "", "198.51.100.201").status()).isEqualTo(400);
    }

    @Test
    void afterTenFailuresAMinuteAnAddressIsRefusedEvenWithTheRightToken() {
        String guesser = "203.0.113.9";
        for (int i = 0; i < 10; i++) {
            assertThat(send(app, "GET", "/api/admin/audit", "guess-" + i, "", guesser).status()).isEqualTo(401);
        }
        Http.Reply refused = send(app, "GET", "/api/admin/audit", ALICE, "", guesser);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.json().at("/error/code").asText()).isEqualTo("RATE_LIMITED");
        assertThat(send(app, "GET", "/api/admin/audit", ALICE, "", "203.0.113.10").status())
                .as("another address is not held back").isEqualTo(200);
        app.clock().advance(Duration.ofMinutes(2));
        assertThat(send(app, "GET", "/api/admin/audit", ALICE, "", guesser).status()).isEqualTo(200);
    }

    @Test
    void noPageOfAnotherOriginMayReadIt() {
        Http.Reply admin = app.http().send(request("GET", "/api/admin/audit", ALICE, "", "198.51.100.202")
                .header("Origin", "https://other.example").build());
        assertThat(admin.status()).isEqualTo(200);
        assertThat(admin.header("access-control-allow-origin")).isNull();
        Http.Reply preflight = app.http().send(request("OPTIONS", "/api/admin/audit", null, "", "198.51.100.202")
                .header("Origin", "https://other.example").header("Access-Control-Request-Method", "DELETE").build());
        assertThat(preflight.header("access-control-allow-origin")).isNull();
        assertThat(preflight.header("access-control-allow-methods")).isNull();
        Http.Reply api = app.http().get("/api/messages", "Origin", "https://other.example");
        assertThat(api.header("access-control-allow-origin")).as("the public API still answers it")
                .isEqualTo("https://other.example");
    }

    @Test
    void bodiesAreBoundedAt256KiB() {
        Http.Reply tooLarge = send(app, "PUT", "/api/admin/settings", ALICE, "x".repeat(256 * 1024 + 1), "198.51.100.203");
        assertThat(tooLarge.status()).isEqualTo(413);
    }

    static Http.Reply send(TestApp to, String method, String path, String token, String body) {
        return send(to, method, path, token, body, "198.51.100.250");
    }

    static Http.Reply send(TestApp to, String method, String path, String token, String body, String from) {
        return to.http().send(request(to, method, path, token, body, from).build());
    }

    private static HttpRequest.Builder request(String method, String path, String token, String body, String from) {
        return request(app, method, path, token, body, from);
    }

    private static HttpRequest.Builder request(TestApp to, String method, String path, String token, String body,
                                               String from) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(to.baseUrl() + path))
                .timeout(Duration.ofSeconds(10))
                .header("X-Forwarded-For", from)
                .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (!body.isEmpty()) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }
}
