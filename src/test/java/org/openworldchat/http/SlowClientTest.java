package org.openworldchat.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openworldchat.support.RawHttp;
import org.openworldchat.support.TestApp;

/**
 * Clients that hold a connection by sending slowly: a request's head dribbled byte by byte
 * (slowloris), a body dribbled, a connection left idle. The server runs with the production
 * rules scaled down (2 s instead of 10 s, 3 s of idle instead of 60 s) so that this takes seconds;
 * AppConfigTest checks the production values.
 */
class SlowClientTest {

    private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration BODY_GRACE = Duration.ofSeconds(2);
    private static final int MIN_BODY_RATE = 1024;
    private static final Duration IDLE = Duration.ofSeconds(3);
    /** Generous: the rules act on the event loop's timer, and the machine may be busy. */
    private static final Duration SLACK = Duration.ofSeconds(3);

    @RegisterExtension
    static final TestApp app = TestApp.perClass()
            .withConnectionLimits(limits -> limits.withTimings(HEADER_TIMEOUT, BODY_GRACE, MIN_BODY_RATE, IDLE));

    @Test
    void aHeadDribbledByteByByteIsCutOff() throws Exception {
        String head = RawHttp.request("GET", "/health", "User-Agent: " + "x".repeat(200));
        // The first request of a new connection...
        try (RawHttp slow = RawHttp.open(app.port())) {
            assertThat(dribbleUntilClosed(slow, head, Duration.ofMillis(200)))
                    .as("closed within the header timeout").isLessThan(HEADER_TIMEOUT.plus(SLACK));
        }
        // ...and a later one on a kept-alive connection (which the idle rule alone never closed:
        // every byte counts as activity).
        try (RawHttp slow = RawHttp.open(app.port())) {
            assertThat(slow.send(RawHttp.request("GET", "/health")).read().status()).isEqualTo(200);
            assertThat(dribbleUntilClosed(slow, head, Duration.ofMillis(200)))
                    .as("closed within the header timeout").isLessThan(HEADER_TIMEOUT.plus(SLACK));
        }
        // A new connection that says nothing at all is closed too.
        try (RawHttp silent = RawHttp.open(app.port())) {
            assertThat(silent.closedWithin(HEADER_TIMEOUT.plus(SLACK))).isTrue();
        }
    }

    @Test
    void aHeadThatArrivesInTimeIsAnswered() throws Exception {
        try (RawHttp http = RawHttp.open(app.port())) {
            String head = RawHttp.request("GET", "/health");
            http.send(head.substring(0, 10));
            Thread.sleep(HEADER_TIMEOUT.toMillis() / 2);
            assertThat(http.send(head.substring(10)).read().status()).isEqualTo(200);
        }
    }

    @Test
    void aBodyDribbledBelowTheMinimumRateIsCutOff() throws Exception {
        // The security test's attack: a declared length, then a byte now and then.
        for (String path : new String[] {"/api/messages", "/socket.io/?EIO=4&transport=polling&sid=x"}) {
            try (RawHttp slow = RawHttp.open(app.port())) {
                slow.send("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                        + "Content-Length: 1000\r\n\r\n");
                assertThat(dribbleUntilClosed(slow, "x".repeat(1000), Duration.ofMillis(250)))
                        .as("%s closed once the body falls behind, after the grace", path)
                        .isLessThan(BODY_GRACE.plus(SLACK));
            }
        }
    }

    @Test
    void aBodyAtAFairPaceIsReadWhateverItsLength() throws Exception {
        // 12 KiB at about 3 KiB/s: well past the grace, never behind the minimum rate.
        byte[] body = new byte[12 * 1024];
        Arrays.fill(body, (byte) 'x');
        try (RawHttp http = RawHttp.open(app.port())) {
            http.send("POST /api/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n");
            for (int from = 0; from < body.length; from += 1024) {
                http.send(Arrays.copyOfRange(body, from, from + 1024));
                Thread.sleep(330);
            }
            // The whole body was read: the route's own answer (it takes GET only), not a close.
            RawHttp.Answer answer = http.read();
            assertThat(answer.status()).isEqualTo(405);
            assertThat(answer.text()).contains("METHOD_NOT_ALLOWED");
        }
    }

    @Test
    void anIdleKeptAliveConnectionIsClosed() {
        try (RawHttp http = RawHttp.open(app.port())) {
            assertThat(http.send(RawHttp.request("GET", "/health")).read().status()).isEqualTo(200);
            assertThat(http.closedWithin(IDLE.dividedBy(2))).as("open while idle for less than the rule").isFalse();
            assertThat(http.send(RawHttp.request("GET", "/health")).read().status()).isEqualTo(200);
            assertThat(http.closedWithin(IDLE.plus(SLACK))).as("closed once idle").isTrue();
        }
    }

    /** Sends {@code text} one byte every {@code gap} until the server closes the connection; how long that took. */
    private static Duration dribbleUntilClosed(RawHttp http, String text, Duration gap) {
        long start = System.nanoTime();
        for (byte b : text.getBytes(StandardCharsets.ISO_8859_1)) {
            try {
                http.send(new byte[] {b});
            } catch (java.io.UncheckedIOException reset) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            if (http.closedWithin(gap)) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
        }
        throw new AssertionError("still open after the whole text was sent");
    }
}
