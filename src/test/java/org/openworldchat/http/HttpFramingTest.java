package org.openworldchat.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openworldchat.support.RawHttp;
import org.openworldchat.support.TestApp;

/** HTTP/1.1 framing as clients and proxies rely on it: HEAD, pipelining, Connection: close. Raw sockets throughout. */
class HttpFramingTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @Test
    void aHeadAnswerIsTheGetAnswersHeadWithoutItsBody() {
        try (RawHttp http = RawHttp.open(app.port())) {
            RawHttp.Answer get = http.send(RawHttp.request("GET", "/")).read();
            assertThat(get.status()).isEqualTo(200);
            // A HEAD answer, then a GET on the same connection: had the HEAD answer carried a
            // body, its bytes would be read here as the start of the next answer.
            http.send(RawHttp.request("HEAD", "/") + RawHttp.request("GET", "/health"));
            RawHttp.Answer head = http.read(false);
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-length")).isEqualTo(String.valueOf(get.body().length));
            assertThat(head.header("content-type")).isEqualTo(get.header("content-type"));
            assertThat(head.header("etag")).isEqualTo(get.header("etag"));
            RawHttp.Answer next = http.read();
            assertThat(next.statusLine()).isEqualTo("HTTP/1.1 200 OK");
            assertThat(next.text()).contains("UP");

            // Refusals to HEAD are headers only too: a route that does not exist, and a method
            // the Socket.IO endpoint refuses before the library sees it.
            http.send(RawHttp.request("HEAD", "/nope") + RawHttp.request("GET", "/health"));
            RawHttp.Answer missing = http.read(false);
            assertThat(missing.status()).isEqualTo(404);
            assertThat(Integer.parseInt(missing.header("content-length"))).isPositive();
            assertThat(http.read().text()).contains("UP");
        }
        try (RawHttp http = RawHttp.open(app.port())) {
            http.send(RawHttp.request("HEAD", "/socket.io/?EIO=4&transport=polling"));
            RawHttp.Answer refused = http.read(false);
            assertThat(refused.status()).isEqualTo(405);
            assertThat(refused.header("connection")).isEqualTo("close");
            assertThat(http.restUntilClosed(Duration.ofSeconds(5))).as("no body after a HEAD answer's head").isEmpty();
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInTheOrderSent() {
        // /ready asks the database on a worker thread; /health is answered at once on the event
        // loop. Sent together, the answers must still come back in the order of the requests.
        StringBuilder pipeline = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            pipeline.append(RawHttp.request("GET", "/ready")).append(RawHttp.request("GET", "/health"))
                    .append(RawHttp.request("GET", "/api/messages?limit=1"));
        }
        try (RawHttp http = RawHttp.open(app.port())) {
            http.send(pipeline.toString());
            for (int i = 0; i < 10; i++) {
                assertThat(http.read().text()).as("answer %d", 3 * i).contains("\"checks\"");
                assertThat(http.read().text()).as("answer %d", 3 * i + 1).isEqualTo("{\"status\":\"UP\"}");
                assertThat(http.read().text()).as("answer %d", 3 * i + 2).contains("\"messages\"");
            }
        }
    }

    @Test
    void connectionCloseClosesTheConnectionAfterTheAnswer() {
        for (String path : new String[] {"/health", "/ready", "/nope", "/api/session"}) {
            try (RawHttp http = RawHttp.open(app.port())) {
                RawHttp.Answer answer = http.send(RawHttp.request("GET", path, "Connection: close")).read();
                assertThat(answer.header("connection")).as(path).isEqualTo("close");
                assertThat(http.closedWithin(Duration.ofSeconds(2))).as(path).isTrue();
            }
        }
        // HTTP/1.0 closes unless the client asks to keep the connection.
        try (RawHttp http = RawHttp.open(app.port())) {
            RawHttp.Answer answer = http.send("GET /health HTTP/1.0\r\n\r\n").read();
            assertThat(answer.status()).isEqualTo(200);
            assertThat(http.closedWithin(Duration.ofSeconds(2))).isTrue();
        }
        // A body over its bound is refused with Connection: close; a client that then stops
        // sending is not kept waiting for the rest of its body.
        try (RawHttp http = RawHttp.open(app.port())) {
            RawHttp.Answer refused = http.send("POST /api/session HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 200000\r\n\r\n{").read();
            assertThat(refused.status()).isEqualTo(413);
            assertThat(refused.header("connection")).isEqualTo("close");
            assertThat(http.closedWithin(Duration.ofSeconds(5))).isTrue();
        }
        // Without Connection: close the connection stays for the next request.
        try (RawHttp http = RawHttp.open(app.port())) {
            assertThat(http.send(RawHttp.request("GET", "/health")).read().header("connection")).isNotEqualTo("close");
            assertThat(http.closedWithin(Duration.ofSeconds(1))).isFalse();
            assertThat(http.send(RawHttp.request("GET", "/health")).read().status()).isEqualTo(200);
        }
    }
}
