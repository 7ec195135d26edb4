package org.openworldchat.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openworldchat.support.Http;
import org.openworldchat.support.TestApp;

/** The Engine.IO endpoint spoken over plain HTTP: unknown sessions and the headers of its answers. */
class EngineSessionTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    private static final String POLLING = "/socket.io/?EIO=4&transport=polling";

    @Test
    void aSessionThatDoesNotExistIsRefusedAsEngineIoDoes() {
        for (String sid : new String[]{"nonexistent", UUID.randomUUID().toString(), ""}) {
            Http.Reply get = app.http().get(POLLING + "&sid=" + sid);
            assertThat(get.status()).as("GET sid=%s", sid).isEqualTo(400);
            assertThat(get.json().get("code").asInt()).isEqualTo(1);
            assertThat(get.json().get("message").asText()).isEqualTo("Session ID unknown");

            HttpRequest post = HttpRequest.newBuilder(URI.create(app.baseUrl() + POLLING + "&sid=" + sid))
                    .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString("40")).build();
            assertThat(app.http().send(post).status()).as("POST sid=%s", sid).isEqualTo(400);
        }
        Http.Reply closing = app.http().get(POLLING + "&sid=" + UUID.randomUUID() + "&disconnect=1");
        assertThat(closing.status()).isEqualTo(400);
    }

    @Test
    void aLiveSessionIsServedWithTheServersSecurityHeadersAndNoWildcardCors() {
        Http.Reply open = app.http().get(POLLING);
        assertThat(open.status()).isEqualTo(200);
        assertThat(open.body()).startsWith("0{");
        assertThat(open.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(open.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("frame-ancestors 'none'");
        assertThat(open.headers().firstValue("Referrer-Policy")).isPresent();
        assertThat(open.headers().firstValue("Access-Control-Allow-Origin")).as("no Origin, no CORS").isEmpty();

        String sid = new Http.Reply(200, open.headers(), open.body().substring(1)).json().get("sid").asText();
        HttpRequest connect = HttpRequest.newBuilder(URI.create(app.baseUrl() + POLLING + "&sid=" + sid))
                .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString("40")).build();
        Http.Reply posted = app.http().send(connect);
        assertThat(posted.status()).isEqualTo(200);
        assertThat(posted.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        Http.Reply poll = app.http().get(POLLING + "&sid=" + sid);
        assertThat(poll.body()).startsWith("40");
        assertThat(poll.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    }

    @Test
    void everyPollingAnswerSaysTheConnectionWillClose() throws Exception {
        URI base = URI.create(app.baseUrl());
        for (String path : new String[]{POLLING, POLLING + "&sid=" + UUID.randomUUID()}) {
            try (Socket socket = new Socket(base.getHost(), base.getPort())) {
                socket.setSoTimeout(5_000);
                socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + base.getHost()
                        + "\r\nConnection: keep-alive\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                // Returns at the server's close; a connection kept open would time out instead.
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                String head = answer.substring(0, answer.indexOf("\r\n\r\n")).toLowerCase(Locale.ROOT);
                assertThat(head).as(path).contains("\r\nconnection: close").doesNotContain("keep-alive");
            }
        }
    }
}
