package org.openworldchat.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openworldchat.support.Http;
import org.openworldchat.support.TestApp;

class HttpApiTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @Test
    void healthAndReadiness() {
        Http.Reply health = app.http().get("/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asText()).isEqualTo("UP");
        Http.Reply ready = app.http().get("/ready");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("status").asText()).isEqualTo("UP");
        List<String> checks = new ArrayList<>();
        ready.json().get("checks").fieldNames().forEachRemaining(checks::add);
        assertThat(checks).as("the database (and Redis, when configured): nothing else").containsExactly("database");
        assertThat(ready.json().at("/checks/database").asText()).isEqualTo("UP");
    }

    /**
     * The image store is no readiness check: a node whose store is gone still serves chat, so
     * /ready stays 200, and /metrics shows the store's health instead.
     */
    @Test
    void theImageStoreIsWatchedInMetricsNotInReadiness() throws Exception {
        try (TestApp node = TestApp.start()) {
            assertThat(node.http().get("/metrics").body()).containsPattern("(?m)^owc_image_store_up 1\\.0$");
            Path uploads = node.dataDir().resolve("uploads");
            try (var files = Files.walk(uploads)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
            assertThat(uploads).doesNotExist();
            assertThat(node.http().get("/metrics").body()).containsPattern("(?m)^owc_image_store_up 0\\.0$");
            Http.Reply ready = node.http().get("/ready");
            assertThat(ready.status()).isEqualTo(200);
            assertThat(ready.json().has("images")).isFalse();
            assertThat(ready.json().get("checks").has("images")).isFalse();
        }
    }

    @Test
    void thePageIsServedWithAStrictPolicy() {
        Http.Reply page = app.http().get("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("content-type")).startsWith("text/html");
        assertThat(page.header("content-security-policy")).contains("script-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline");
        assertThat(page.header("x-content-type-options")).isEqualTo("nosniff");
        assertThat(page.header("referrer-policy")).isEqualTo("no-referrer");
    }

    @Test
    void unknownRoutesAndMethodsGetContractErrors() {
        Http.Reply missing = app.http().get("/nope");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().at("/error/code").asText()).isEqualTo("NOT_FOUND");
        assertThat(missing.header("content-security-policy")).isNotNull();

        Http.Reply wrongMethod = app.http().send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/session"))
                .DELETE().build());
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.json().at("/error/code").asText()).isEqualTo("METHOD_NOT_ALLOWED");
        assertThat(wrongMethod.header("allow")).isEqualTo("GET, HEAD");
    }

    @Test
    void anOversizedBodyIsRefusedWithoutHarm() {
        Http.Reply big = app.http().send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/session"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[200_000])).build());
        assertThat(big.status()).isEqualTo(413);
        assertThat(app.http().get("/health").status()).isEqualTo(200);
    }

    @Test
    void aKeptAliveConnectionServesARequestAfterAPause() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", app.port())) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            byte[] request = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            out.write(request);
            InputStream in = socket.getInputStream();
            assertThat(new String(in.readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
            Thread.sleep(6_000);
            in.skip(in.available());
            out.write(request);
            assertThat(new String(in.readNBytes(12), StandardCharsets.US_ASCII)).as("the same connection, 6 s later")
                    .isEqualTo("HTTP/1.1 200");
        }
    }
}
