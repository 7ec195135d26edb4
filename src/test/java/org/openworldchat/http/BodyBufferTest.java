package org.openworldchat.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openworldchat.support.Http;
import org.openworldchat.support.RawHttp;
import org.openworldchat.support.TestApp;
import org.openworldchat.support.TestImages;

/**
 * What unfinished request bodies may hold in memory, per address and on the node. The security
 * test held 220 MB with 40 unfinished 5 MiB uploads from one address; here the bounds are set
 * low (6 MiB per address, 12 MiB in all) so that a few uploads reach them.
 */
class BodyBufferTest {

    private static final int MB = 1024 * 1024;

    @RegisterExtension
    static final TestApp app = TestApp.perClass(java.util.Map.of("MAX_BODY_BUFFER_PER_IP_MB", "6", "MAX_BODY_BUFFER_MB", "12"));

    @Test
    void unfinishedUploadsAreBoundedPerAddressAndInTotal() {
        String cookie = Http.cookiePair(app.http().get("/api/session").header("set-cookie"));
        try (RawHttp first = unfinishedUpload("127.0.0.5", 4_000_000)) {
            awaitHeld(4_000_000);
            // The same address's next upload does not fit in its 6 MiB: refused, the other one kept.
            try (RawHttp second = RawHttp.open(app.port(), "127.0.0.5")) {
                RawHttp.Answer refused = sendUntilAnswered(second, 3_000_000);
                assertThat(refused.status()).isEqualTo(429);
                assertThat(refused.text()).contains("\"RATE_LIMITED\"");
                assertThat(second.closedWithin(Duration.ofSeconds(5))).isTrue();
            }
            try (RawHttp third = unfinishedUpload("127.0.0.6", 4_000_000)) {
                awaitHeld(8_000_000);
                // Another address's upload fits its own share, but not what the node has left.
                try (RawHttp fourth = RawHttp.open(app.port(), "127.0.0.7")) {
                    RawHttp.Answer refused = sendUntilAnswered(fourth, 5_000_000);
                    assertThat(refused.status()).isEqualTo(503);
                    assertThat(refused.text()).contains("\"SERVICE_UNAVAILABLE\"");
                }
                assertThat(app.http().get("/health").status()).isEqualTo(200);
            }
        }
        // Closed, the unfinished uploads give their bytes back, and a whole upload goes through.
        awaitHeld(0);
        TestImages.Multipart form = TestImages.multipart("image", "after.png", "image/png", TestImages.png(64, 48));
        try (RawHttp upload = RawHttp.open(app.port(), "127.0.0.7")) {
            upload.send("POST /api/uploads HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + cookie + "\r\n"
                    + "Content-Type: " + form.contentType() + "\r\nContent-Length: " + form.body().length + "\r\n\r\n");
            upload.send(form.body());
            assertThat(upload.read().status()).isEqualTo(201);
        }
        awaitHeld(0);
    }

    /** An upload of 5,000,000 declared bytes from {@code address} that sends {@code sent} of them and stops. */
    private static RawHttp unfinishedUpload(String address, int sent) {
        RawHttp http = RawHttp.open(app.port(), address);
        http.send(uploadHead());
        http.send(new byte[sent]);
        return http;
    }

    /** Sends up to {@code bytes} of an upload's body, in pieces, until the server answers; the answer. */
    private static RawHttp.Answer sendUntilAnswered(RawHttp http, int bytes) {
        http.send(uploadHead());
        byte[] piece = new byte[64 * 1024];
        for (int sent = 0; sent < bytes && !http.answerWaiting(); sent += piece.length) {
            try {
                http.send(piece);
            } catch (java.io.UncheckedIOException closedAfterAnswering) {
                break;
            }
        }
        return http.read();
    }

    private static String uploadHead() {
        return "POST /api/uploads HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=x\r\n"
                + "Content-Length: 5000000\r\n\r\n";
    }

    private static void awaitHeld(long bytes) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> held() == bytes);
    }

    private static long held() {
        Matcher m = Pattern.compile("(?m)^owc_http_body_buffered_bytes ([0-9.E]+)$").matcher(app.http().get("/metrics").body());
        assertThat(m.find()).as("the gauge of bytes held").isTrue();
        return (long) Double.parseDouble(m.group(1));
    }
}
