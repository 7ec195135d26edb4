package org.openworldchat.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import org.openworldchat.support.TestImages;

/**
 * Raw HTTP/1.x requests as a broken or malicious client writes them (random methods, paths,
 * headers, framing and bodies, hostile multipart forms), and a client that tells an answer from a
 * clean close from a hang. Raw sockets, since {@link java.net.http.HttpClient} refuses to send
 * most of this.
 */
final class HostileHttp {

    private HostileHttp() {
    }

    /**
     * One request on a connection of its own. {@code endsInput}: the client ends its side after
     * sending, because the request's framing (a declared length longer than the body, broken
     * chunks, a line break where none belongs) may leave the server waiting for bytes that never
     * come, which is the client's doing, not a hang.
     */
    record Request(String summary, byte[] bytes, boolean endsInput) {
        @Override
        public String toString() {
            return summary + " (" + bytes.length + " bytes" + (endsInput ? ", then end of input" : "") + ")";
        }
    }

    /** What came back: a status line, or a close (a FIN or a reset) without one. */
    record Outcome(int status, String statusLine) {
        boolean answered() {
            return status > 0;
        }
    }

    /** How the body is framed, honestly or not. */
    enum Framing {
        NONE, EXACT_LENGTH, DECLARED_MORE, DECLARED_LESS, CHUNKED, BROKEN_CHUNKS, CHUNKED_AND_LENGTH, TWO_LENGTHS,
        BAD_LENGTH;

        /** Whether the server may still be waiting for body bytes after all were sent. */
        boolean mayLeaveServerWaiting() {
            return this == DECLARED_MORE || this == BROKEN_CHUNKS || this == CHUNKED_AND_LENGTH || this == TWO_LENGTHS
                    || this == BAD_LENGTH;
        }
    }

    // ---- sending ----

    /**
     * Sends the request (on its own thread: a server that stops reading must not block the test)
     * and reads the status line. Fails when, within {@code patience}, neither an answer nor a close came.
     */
    static Outcome exchange(int port, Request request, Duration patience) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout((int) patience.toMillis());
            OutputStream out = socket.getOutputStream();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    out.write(request.bytes());
                    out.flush();
                    if (request.endsInput()) {
                        socket.shutdownOutput();
                    }
                } catch (IOException closedByServer) {
                    // the server may answer and close before it has read everything
                }
            });
            try {
                return readStatusLine(socket.getInputStream());
            } catch (SocketTimeoutException e) {
                throw new AssertionError("neither an answer nor a close within " + patience + " for " + request);
            } catch (SocketException reset) {
                return new Outcome(0, "reset");
            } finally {
                socket.close();
                writer.interrupt();
            }
        }
    }

    private static Outcome readStatusLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (line.size() > 8192) {
                throw new AssertionError("a status line longer than 8 KiB: " + line.toString(StandardCharsets.ISO_8859_1));
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1).strip();
        if (text.isEmpty() && b == -1) {
            return new Outcome(0, "closed");
        }
        if (!text.matches("HTTP/1\\.[01] [1-5][0-9][0-9]( .*)?")) {
            throw new AssertionError("not an HTTP status line: '" + text + "'");
        }
        return new Outcome(Integer.parseInt(text.substring(9, 12)), text);
    }

    // ---- building ----

    static Request request(String method, String target, String version, List<String[]> headers, Framing framing,
                           byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String requestLine = method + " " + target + (version.isEmpty() ? "" : " " + version);
        boolean lineBreaks = hasLineBreak(requestLine);
        out.writeBytes(utf8(requestLine + "\r\n"));
        List<String> names = new ArrayList<>();
        for (String[] h : headers) {
            lineBreaks |= hasLineBreak(h[0]) || hasLineBreak(h[1]);
            out.writeBytes(utf8(h[0] + ": " + h[1] + "\r\n"));
            names.add(h[0].length() > 30 ? h[0].substring(0, 30) + "…" : h[0]);
        }
        byte[] payload = switch (framing) {
            case NONE -> new byte[0];
            case EXACT_LENGTH -> withHeaders(out, body, "Content-Length: " + body.length);
            case DECLARED_MORE -> withHeaders(out, body, "Content-Length: " + (body.length + 1 + body.length % 977));
            case DECLARED_LESS -> withHeaders(out, body, "Content-Length: " + body.length / 2);
            case CHUNKED -> withHeaders(out, chunked(body), "Transfer-Encoding: chunked");
            case BROKEN_CHUNKS -> withHeaders(out, body, "Transfer-Encoding: chunked");
            case CHUNKED_AND_LENGTH -> withHeaders(out, chunked(body), "Transfer-Encoding: chunked",
                    "Content-Length: " + body.length);
            case TWO_LENGTHS -> withHeaders(out, body, "Content-Length: " + body.length,
                    "Content-Length: " + (body.length + 7));
            case BAD_LENGTH -> withHeaders(out, body, "Content-Length: " + BAD_LENGTHS.get(body.length % BAD_LENGTHS.size()));
        };
        out.writeBytes(utf8("\r\n"));
        out.writeBytes(payload);
        String summary = shorten(method, 20) + " " + shorten(target, 120) + " " + shorten(version, 12) + " headers="
                + names + " framing=" + framing + " body=" + body.length;
        return new Request(summary, out.toByteArray(), lineBreaks || framing.mayLeaveServerWaiting());
    }

    private static final List<String> BAD_LENGTHS = List.of("abc", "-1", "99999999999999999999", " 12", "0x10", "1e3",
            "", "12, 13", "+5");

    private static byte[] withHeaders(ByteArrayOutputStream out, byte[] body, String... headers) {
        for (String h : headers) {
            out.writeBytes(utf8(h + "\r\n"));
        }
        return body;
    }

    private static byte[] chunked(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int step = Math.max(1, body.length / 3 + 1);
        for (int from = 0; from < body.length; from += step) {
            int n = Math.min(step, body.length - from);
            out.writeBytes(utf8(Integer.toHexString(n) + "\r\n"));
            out.write(body, from, n);
            out.writeBytes(utf8("\r\n"));
        }
        out.writeBytes(utf8("0\r\n\r\n"));
        return out.toByteArray();
    }

    // ---- arbitraries ----

    static Arbitrary<String> methods() {
        return Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "CONNECT")),
                Tuple.of(1, Arbitraries.of("PRI", "get", "Post", "G\u0000T", "", "GET GET", "PROPFIND", "M-SEARCH",
                        "X".repeat(5000))),
                Tuple.of(1, Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(20)),
                Tuple.of(1, HostileInput.strings().filter(s -> s.length() < 300)));
    }

    static final List<String> KNOWN = List.of("/", "/api/session", "/api/messages", "/api/uploads", "/health", "/ready",
            "/metrics", "/uploads/AAAAAAAAAAAAAAAAAAAAAA.png", "/uploads/", "/css/", "/js/", "/img/", "/vendor/",
            "/index.html", "/socket.io/", "/socket.io/?EIO=4&transport=polling", "/socket.io/?EIO=4&transport=websocket",
            "/socket.io/?EIO=4&transport=polling&sid=nope", "/socket.io/?EIO=3&transport=polling", "/socket.io");

    static final List<String> TRAVERSAL = List.of("/../../etc/passwd", "/js/../../pom.xml", "/uploads/..%2f..%2fetc%2fpasswd",
            "/%2e%2e/%2e%2e/etc/passwd", "/js/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd", "/uploads/%00.png", "/js/..\\..\\x",
            "//etc/passwd", "/./health", "/health/", "/health;x=1", "/health%20", "*", "http://evil.example/health",
            "http://127.0.0.1/api/session", "/css/%2e%2e%5c%2e%2e%5cpom.xml", "/vendor/%252e%252e/x", "/img/..%00/x",
            "/uploads/../../../../../../etc/shadow", "/%", "/%zz", "/%u002e%u002e/", "/js/app.js%00.html", "/\u00ff",
            "/socket.io/../api/session", "/api/session/../../metrics", "?", "#frag", "/api/messages#x", "");

    static final List<String> PREFIXES = List.of("/", "/api/", "/uploads/", "/css/", "/js/", "/img/", "/vendor/",
            "/socket.io/", "/api/messages/", "/health/");

    static Arbitrary<String> targets() {
        Arbitrary<String> segment = Arbitraries.strings().withCharRange('!', '~').ofMaxLength(40);
        Arbitrary<String> under = Combinators.combine(Arbitraries.of(PREFIXES), segment).as(String::concat);
        Arbitrary<String> encoded = Combinators.combine(Arbitraries.of(PREFIXES),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(40).map(HostileHttp::percentEncoded)).as(String::concat);
        Arbitrary<String> longPath = Combinators.combine(Arbitraries.of(PREFIXES),
                Arbitraries.integers().between(500, 20_000)).as((p, n) -> p + "a/".repeat(n / 2));
        Arbitrary<String> path = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.of(KNOWN)), Tuple.of(3, Arbitraries.of(TRAVERSAL)), Tuple.of(2, under),
                Tuple.of(2, encoded), Tuple.of(1, longPath), Tuple.of(1, HostileInput.strings()));
        Arbitrary<String> query = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.just("")),
                Tuple.of(1, Arbitraries.strings().withCharRange('!', '~').ofMaxLength(60).map(q -> "?" + q)),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(30).map(b -> "?x=" + percentEncoded(b))),
                Tuple.of(1, Arbitraries.integers().between(1, 10_000).map(n -> "?limit=" + "9".repeat(n))));
        return Combinators.combine(path, query).as((p, q) -> p.contains("?") && !q.isEmpty() ? p + "&" + q.substring(1) : p + q);
    }

    static Arbitrary<String> versions() {
        return Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.just("HTTP/1.1")),
                Tuple.of(2, Arbitraries.just("HTTP/1.0")),
                Tuple.of(2, Arbitraries.of("HTTP/2.0", "HTTP/0.9", "HTTP/1.1x", "http/1.1", "HTTP/9.9", "HTTP/1", "",
                        "HTTP/1.1 extra", "HTTP/1.1\u0000", "ICE/1.0")));
    }

    /** 0-8 header lines: the ones that matter here with good, bad and forged values, and random ones. */
    static Arbitrary<List<String[]>> headers(String ownOrigin, String validCookie) {
        Arbitrary<String[]> host = Arbitraries.of(ownOrigin.substring("http://".length()), "evil.example", "", "a b",
                "127.0.0.1:99999", "[::1", "x".repeat(3000)).map(v -> h("Host", v));
        Arbitrary<String[]> origin = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of(ownOrigin, "https://evil.example", "null", "", "http://127.0.0.1", ownOrigin + "/",
                        ownOrigin.toUpperCase(), "file://", "http://[::1", "javascript:alert(1)")),
                Tuple.of(1, HostileInput.strings())).map(v -> h("Origin", v));
        Arbitrary<String[]> cookie = cookies(validCookie).map(v -> h("Cookie", v));
        Arbitrary<String[]> contentType = contentTypes().map(v -> h("Content-Type", v));
        Arbitrary<String[]> known = Arbitraries.of(
                h("Connection", "close"), h("Connection", "keep-alive"), h("Connection", "Upgrade"),
                h("Upgrade", "websocket"), h("Upgrade", "h2c"), h("Sec-WebSocket-Key", "garbage"),
                h("Sec-WebSocket-Version", "13"), h("Expect", "100-continue"), h("Expect", "nonsense"),
                h("Accept-Encoding", "gzip, deflate, br"), h("Range", "bytes=0-1,5-"), h("Range", "bytes=-99999999999"),
                h("If-None-Match", "*"), h("If-Modified-Since", "yesterday"), h("X-Forwarded-For", "1.2.3.4, ::1, garbage"),
                h("X-Forwarded-For", "999.999.999.999"), h("Transfer-Encoding", "gzip"), h("Transfer-Encoding", "identity"),
                h("Content-Encoding", "gzip"), h("x-owc-verified-guest", "00000000-0000-0000-0000-000000000000"),
                h("x-owc-client-address", "1.2.3.4"), h("Accept", "*/*"));
        Arbitrary<String[]> odd = Arbitraries.of(
                h("Bad Header", "x"), h("X:Y", "z"), h("", "no name"), h(" X-Leading", "space"), h("X-Fold", "a\r\n b"),
                h("X-NonAscii", "é😀"), h("X-Control", "a\u0001b\u007f"), h("X-Long", "v".repeat(9000)),
                h("X-Long-Name" + "n".repeat(9000), "v"), h("X-Nul", "a\u0000b"), h("X-CR", "a\rb"));
        Arbitrary<String[]> random = Combinators.combine(
                Arbitraries.frequencyOf(
                        Tuple.of(4, Arbitraries.strings().alpha().numeric().withChars('-').ofMinLength(1).ofMaxLength(20)),
                        Tuple.of(1, Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(20))),
                Arbitraries.oneOf(Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(60), HostileInput.strings())
        ).as(HostileHttp::h);
        Arbitrary<String[]> any = Arbitraries.frequencyOf(Tuple.of(5, origin), Tuple.of(5, cookie), Tuple.of(4, contentType),
                Tuple.of(6, known), Tuple.of(1, odd), Tuple.of(4, random));
        Arbitrary<Boolean> withHost = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just(true)),
                Tuple.of(1, Arbitraries.just(false)));
        return Combinators.combine(withHost, host, any.list().ofMaxSize(8)).as((w, hostHeader, rest) -> {
            List<String[]> all = new ArrayList<>();
            if (w) {
                all.add(hostHeader);
            }
            all.addAll(rest);
            return all;
        });
    }

    static Arbitrary<String> cookies(String validCookie) {
        String token = validCookie.substring(validCookie.indexOf('=') + 1);
        return Arbitraries.oneOf(
                Arbitraries.of(validCookie, "owc_guest=", "owc_guest", "owc_guest=" + token + "x",
                        "owc_guest=" + token.substring(0, token.length() / 2),
                        "owc_guest=" + token.replace('.', '_'), "owc_guest=\"" + token + "\"",
                        "owc_guest=forged; " + validCookie, validCookie + "; owc_guest=forged",
                        "a=b; ".repeat(1000), "owc_guest=" + "A".repeat(6000), "=; ;;=;", "owc_guest=a.b.c.d",
                        "owc_guest=00000000-0000-0000-0000-000000000000.AAAA"),
                Arbitraries.strings().withCharRange('!', '~').ofMaxLength(80).map(s -> "owc_guest=" + s),
                Arbitraries.strings().withCharRange('!', '~').ofMaxLength(40)
                        .map(s -> "owc_guest=" + s + "." + token.substring(token.indexOf('.') + 1)),
                HostileInput.strings());
    }

    static Arbitrary<String> contentTypes() {
        return Arbitraries.frequencyOf(Tuple.of(4, 
                Arbitraries.of("application/json", "text/plain", "application/x-www-form-urlencoded",
                        "multipart/form-data", "multipart/form-data; boundary=", "multipart/form-data; boundary=x",
                        "multipart/form-data; boundary=\"x\"", "multipart/form-data; boundary=x; charset=no-such-charset",
                        "multipart/form-data; charset=%%%; boundary=x", "multipart/mixed; boundary=x",
                        "multipart/form-data; boundary=" + "b".repeat(5000), "image/png",
                        "application/x-www-form-urlencoded; charset=utf-16", "application/x-www-form-urlencoded; charset=@@",
                        "; ; ;", "multipart/form-data; boundary=x; boundary=y")),
                Tuple.of(1, HostileInput.strings()));
    }

    static Arbitrary<Framing> framings() {
        return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.just(Framing.EXACT_LENGTH)), Tuple.of(3, Arbitraries.just(Framing.NONE)),
                Tuple.of(2, Arbitraries.just(Framing.CHUNKED)),
                Tuple.of(4, Arbitraries.of(Framing.DECLARED_MORE, Framing.DECLARED_LESS, Framing.BROKEN_CHUNKS,
                        Framing.CHUNKED_AND_LENGTH, Framing.TWO_LENGTHS, Framing.BAD_LENGTH)));
    }

    /** Bodies for any endpoint: random bytes, hostile text and JSON, and some over the JSON API's 16 KiB. */
    static Arbitrary<byte[]> bodies() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.bytes().array(byte[].class).ofMaxSize(2000)),
                Tuple.of(3, HostileInput.strings().map(HostileHttp::utf8)),
                Tuple.of(2, HostileInput.json(3).map(HostileHttp::json)),
                Tuple.of(1, Arbitraries.integers().between(16 * 1024 - 8, 70_000).map(byte[]::new)));
    }

    // ---- uploads ----

    /** A {@code POST /api/uploads} of a hostile or broken multipart form, mostly with a valid guest cookie. */
    static Arbitrary<Request> uploads(String host, String validCookie) {
        Arbitrary<String> cookie = Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just(validCookie)),
                Tuple.of(2, cookies(validCookie)));
        Arbitrary<Framing> framing = Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just(Framing.EXACT_LENGTH)),
                Tuple.of(2, Arbitraries.just(Framing.CHUNKED)), Tuple.of(1, Arbitraries.just(Framing.DECLARED_MORE)));
        return Combinators.combine(forms(), cookie, framing).as((form, c, f) -> {
            List<String[]> headers = new ArrayList<>(List.of(h("Host", host), h("Cookie", c)));
            if (form.contentType() != null) {
                headers.add(h("Content-Type", form.contentType()));
            }
            Request r = request("POST", "/api/uploads", "HTTP/1.1", headers, f, form.body());
            return new Request("upload " + form.description() + " / " + r.summary(), r.bytes(), r.endsInput());
        });
    }

    record Form(String description, String contentType, byte[] body) {
        Form described(String other) {
            return new Form(other, contentType, body);
        }
    }

    private record Part(String description, List<String> headers, byte[] content) {
    }

    static Arbitrary<Form> forms() {
        Arbitrary<List<Part>> parts = Arbitraries.frequencyOf(
                Tuple.of(6, parts().list().ofMinSize(1).ofMaxSize(4)),
                Tuple.of(1, parts().list().ofMinSize(100).ofMaxSize(600)),
                Tuple.of(1, Arbitraries.integers().between(200, 3000).map(n -> many(n))));
        Arbitrary<String> boundary = Arbitraries.oneOf(
                Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(40),
                Arbitraries.of("x", "----WebKitFormBoundary7MA4YWxkTrZu0gW", "a b", "\"q\"", "b".repeat(300), "--", "=",
                        "é", "\u0000"));
        Arbitrary<String> breakage = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just("none")),
                Tuple.of(1, Arbitraries.of("no-close-delimiter", "truncated", "lf-only", "no-blank-line", "preamble",
                        "epilogue", "other-boundary-in-header", "no-boundary-in-header", "flipped-bytes",
                        "random-body", "empty-body", "nested", "not-multipart-header")));
        return Combinators.combine(parts, boundary, breakage, Arbitraries.integers().between(0, Integer.MAX_VALUE))
                .as(HostileHttp::form);
    }

    private static List<Part> many(int n) {
        List<Part> parts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            parts.add(new Part("f" + i, List.of("Content-Disposition: form-data; name=\"f" + i + "\""), utf8("v" + i)));
        }
        parts.add(imagePart("image", TestImages.png(2, 2)));
        return parts;
    }

    private static Part imagePart(String name, byte[] content) {
        return new Part("file " + name, List.of("Content-Disposition: form-data; name=\"" + name + "\"; filename=\"a.png\"",
                "Content-Type: image/png"), content);
    }

    private static Arbitrary<Part> parts() {
        Arbitrary<byte[]> randomBytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(3000);
        Arbitrary<Part> goodImage = Arbitraries.of(TestImages.png(4, 4), TestImages.jpeg(4, 4))
                .map(b -> imagePart("image", b));
        Arbitrary<Part> garbageImage = randomBytes.map(b -> imagePart("image", b));
        Arbitrary<Part> wrongName = Combinators.combine(
                Arbitraries.oneOf(Arbitraries.of("file", "images", "IMAGE", "", " image", "image\u0000", "image\"; x=\""),
                        Arbitraries.strings().alpha().ofMaxLength(12)),
                Arbitraries.of(TestImages.png(4, 4))).as(HostileHttp::imagePart);
        Arbitrary<Part> notAFile = HostileInput.strings().map(s -> new Part("attribute image",
                List.of("Content-Disposition: form-data; name=\"image\""), utf8(s)));
        Arbitrary<Part> hugeHeaders = Arbitraries.integers().between(1, 60_000).map(n -> new Part("huge headers " + n,
                n % 2 == 0
                        ? List.of("Content-Disposition: form-data; name=\"image\"; filename=\"" + "f".repeat(n) + ".png\"",
                                "Content-Type: image/png")
                        : headerFlood(n / 100 + 1), TestImages.png(2, 2)));
        Arbitrary<Part> oddHeaders = Combinators.combine(Arbitraries.of(ODD_PART_HEADERS), randomBytes)
                .as((headers, content) -> new Part("odd headers " + headers, headers, content));
        Arbitrary<Part> randomHeaders = Combinators.combine(
                Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(200).list().ofMaxSize(4), randomBytes)
                .as((headers, content) -> new Part("random headers", headers, content));
        return Arbitraries.frequencyOf(Tuple.of(3, goodImage), Tuple.of(3, garbageImage), Tuple.of(2, wrongName),
                Tuple.of(2, notAFile), Tuple.of(1, hugeHeaders), Tuple.of(3, oddHeaders), Tuple.of(2, randomHeaders));
    }

    private static List<String> headerFlood(int lines) {
        List<String> headers = new ArrayList<>();
        headers.add("Content-Disposition: form-data; name=\"image\"; filename=\"a.png\"");
        for (int i = 0; i < lines; i++) {
            headers.add("X-Part-Header-" + i + ": " + "v".repeat(50));
        }
        return headers;
    }

    private static final List<List<String>> ODD_PART_HEADERS = List.of(
            List.of(),
            List.of("Content-Type: image/png"),
            List.of("Content-Disposition: form-data; name=image; filename=a.png"),
            List.of("Content-Disposition: form-data; name=\"image\"; filename*=UTF-8''%F0%9F%98%80.png"),
            List.of("Content-Disposition: attachment; name=\"image\"; filename=\"a.png\""),
            List.of("Content-Disposition: form-data; name=\"image\"; filename=\"a.png\"", "Content-Type: garbage/!!"),
            List.of("Content-Disposition: form-data; name=\"image\"; filename=\"a.png\"", "Content-Type: text/plain; charset=nope"),
            List.of("Content-Disposition: form-data; name=\"image\"; filename=\"a.png\"", "Content-Transfer-Encoding: base64"),
            List.of("Content-Disposition: form-data; name=\"image\"; filename=\"a.png\"", "Content-Transfer-Encoding: garbage"),
            List.of("Content-Disposition: form-data; name=\"image\"; filename=\"a.png\"", "Content-Length: 99999999"),
            List.of("Content-Disposition: form-data; name=\"image\"; filename=\"a.png\"",
                    "Content-Type: multipart/mixed; boundary=inner"),
            List.of("Content-Disposition: form-data; name=\"image\"; filename=\"../../etc/passwd\""),
            List.of("Content-Disposition: form-data; name=\"image\"; filename=\"a.png\"; name=\"other\""),
            List.of("Content-Disposition:"),
            List.of("Content-Disposition: form-data; name=\"image"),
            List.of("no colon here"),
            List.of(": empty name"));

    private static Form form(List<Part> parts, String boundary, String breakage, int seed) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String eol = breakage.equals("lf-only") ? "\n" : "\r\n";
        if (breakage.equals("preamble")) {
            out.writeBytes(utf8("garbage before the first boundary" + eol));
        }
        for (Part part : parts) {
            out.writeBytes(utf8("--" + boundary + eol));
            for (String header : part.headers()) {
                out.writeBytes(utf8(header + eol));
            }
            if (!breakage.equals("no-blank-line")) {
                out.writeBytes(utf8(eol));
            }
            out.writeBytes(part.content());
            out.writeBytes(utf8(eol));
        }
        if (!breakage.equals("no-close-delimiter")) {
            out.writeBytes(utf8("--" + boundary + "--" + eol));
        }
        if (breakage.equals("epilogue")) {
            out.writeBytes(utf8("garbage after the end" + eol + "--" + boundary + eol));
        }
        byte[] body = out.toByteArray();
        String contentType = "multipart/form-data; boundary=" + boundary;
        switch (breakage) {
            case "truncated" -> body = java.util.Arrays.copyOf(body, Math.floorMod(seed, Math.max(1, body.length)));
            case "flipped-bytes" -> {
                for (int i = 0; i < 1 + body.length / 200; i++) {
                    int at = Math.floorMod(seed * 31 + i * 7919, Math.max(1, body.length));
                    if (body.length > 0) {
                        body[at] ^= (byte) (1 + i);
                    }
                }
            }
            case "random-body" -> {
                body = new byte[Math.floorMod(seed, 5000)];
                new java.util.Random(seed).nextBytes(body);
            }
            case "empty-body" -> body = new byte[0];
            case "other-boundary-in-header" -> contentType = "multipart/form-data; boundary=" + boundary + "x";
            case "no-boundary-in-header" -> contentType = "multipart/form-data";
            case "not-multipart-header" -> contentType = seed % 2 == 0 ? "application/x-www-form-urlencoded" : null;
            case "nested" -> {
                Form inner = form(parts, boundary + "in", "none", seed);
                Part wrapper = new Part("nested", List.of("Content-Disposition: form-data; name=\"image\"",
                        "Content-Type: " + inner.contentType()), inner.body());
                return form(List.of(wrapper), boundary, "none", seed).described("nested " + inner.description());
            }
            default -> {
            }
        }
        String description = parts.size() + " parts " + parts.stream().limit(4).map(Part::description).toList()
                + " boundary=" + shorten(boundary, 20) + " breakage=" + breakage;
        return new Form(description, contentType, body);
    }

    // ---- helpers ----

    private static String[] h(String name, String value) {
        return new String[] {name, value};
    }

    private static boolean hasLineBreak(String s) {
        return s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] json(Object value) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String percentEncoded(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            s.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
        }
        return s.toString();
    }

    private static String shorten(String s, int max) {
        String printable = s.replaceAll("[\\p{Cntrl}]", "·");
        return printable.length() <= max ? printable : printable.substring(0, max) + "…(" + s.length() + ")";
    }
}
