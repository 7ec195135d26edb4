package org.openworldchat.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openworldchat.support.Http;
import org.openworldchat.support.TestApp;

/** The page's files over HTTP: types, caching, the bundled Socket.IO client, and nothing else reachable. */
class WebPageFilesTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    private static final Path WEB = Path.of("src", "main", "resources", "web");

    @Test
    void thePageLoadsOnlyFilesOfItsOwnAndNoInlineCode() throws IOException {
        String html = app.http().get("/").body();
        assertThat(html).doesNotContainPattern("<script(?![^>]*\\ssrc=)[^>]*>")
                .doesNotContainPattern("\\sstyle=")
                .doesNotContainPattern("\\son[a-z]+=")
                .contains("<script type=\"module\" src=\"/js/main.js\"></script>");
        Matcher refs = Pattern.compile("(?:src|href)=\"(/[^\"]*)\"").matcher(html);
        int count = 0;
        while (refs.find()) {
            Http.Reply file = app.http().get(refs.group(1));
            assertThat(file.status()).as(refs.group(1)).isEqualTo(200);
            count++;
        }
        assertThat(count).isGreaterThanOrEqualTo(4);
    }

    @Test
    void filesAreServedWithTheirTypeAndRevalidated() {
        assertType("/js/main.js", "text/javascript; charset=utf-8");
        assertType("/css/chat.css", "text/css; charset=utf-8");
        assertType("/img/icon.svg", "image/svg+xml");
        assertType("/vendor/socket.io.esm.min.js", "text/javascript; charset=utf-8");
        assertType("/vendor/socket.io.esm.min.js.map", "application/json; charset=utf-8");
        assertType("/vendor/socket.io-client.LICENSE.txt", "text/plain; charset=utf-8");

        Http.Reply first = app.http().get("/js/main.js");
        assertThat(first.header("cache-control")).isEqualTo("no-cache");
        assertThat(first.header("content-security-policy")).contains("script-src 'self'");
        assertThat(first.header("x-content-type-options")).isEqualTo("nosniff");
        String etag = first.header("etag");
        assertThat(etag).matches("\"[0-9a-f]{32}\"");
        Http.Reply again = app.http().get("/js/main.js", "If-None-Match", etag);
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(app.http().get("/", "If-None-Match", app.http().get("/").header("etag")).status()).isEqualTo(304);
        assertThat(app.http().get("/js/main.js", "If-None-Match", "\"other\"").status()).isEqualTo(200);
    }

    @Test
    void theSocketIoClientIsTheSelfContainedBundleFromNpm() {
        String bundle = app.http().get("/vendor/socket.io.esm.min.js").body();
        assertThat(bundle).startsWith("/*!\n * Socket.IO v4.8.");
        // Self-contained: an ES module that imports nothing (engine.io-client and the parsers are inside).
        assertThat(bundle).doesNotContainPattern("\\bimport\\s*[\\w{*\"']").doesNotContainPattern("\\bimport\\(")
                .contains("export{");
        assertThat(app.http().get("/vendor/socket.io-client.LICENSE.txt").body()).contains("MIT License");
    }

    @Test
    void nothingOutsideThePageFoldersCanBeNamed() throws IOException {
        for (String path : List.of("/js/../index.html", "/js/%2e%2e/index.html", "/js/..%2findex.html",
                "/js/%2e%2e%2f%2e%2e%2flogback.xml", "/js/..\\logback.xml", "/vendor/../../logback.xml",
                "/js/", "/js/.hidden.js", "/js/main.js%00.css", "/js/main", "/js/missing.js", "/css/chat.css.bak",
                "/js//main.js", "/db/migration/V1__guests_and_messages.sql", "/logback.xml",
                "/org/openworldchat/app/Main.class", "/web/index.html", "/vendor/socket.io.esm.min.js/x.js")) {
            assertThat(rawStatus(path)).as(path).isEqualTo(404);
        }
    }

    @Test
    void theClientNeverParsesStringsAsHtml() throws IOException {
        try (Stream<Path> files = Files.list(WEB.resolve("js"))) {
            for (Path file : files.toList()) {
                assertThat(Files.readString(file)).as(file.toString())
                        .doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write",
                                "eval(", "new Function", "DOMParser", "createContextualFragment", ".style.");
            }
        }
    }

    private static void assertType(String path, String type) {
        Http.Reply reply = app.http().get(path);
        assertThat(reply.status()).as(path).isEqualTo(200);
        assertThat(reply.header("content-type")).as(path).isEqualTo(type);
    }

    /** The status of a GET sent byte for byte as written, without any client normalizing the path. */
    private static int rawStatus(String path) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", app.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            String statusLine = new String(in.readNBytes(12), StandardCharsets.ISO_8859_1);
            return Integer.parseInt(statusLine.substring(9, 12));
        }
    }
}
