package org.openworldchat.support;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;

/**
 * Engine.IO's long-polling transport spoken by hand over real HTTP requests, each with exactly
 * the headers a test gives it (a cookie or none, an {@code X-Forwarded-For}), so that a test can
 * play a client that keeps no cookies, or one that names somebody else's session.
 */
public final class Polling {

    public static final String PATH = "/socket.io/?EIO=4&transport=polling";

    private final String baseUrl;
    private final Http http;

    public Polling(String baseUrl) {
        this.baseUrl = baseUrl;
        this.http = new Http(baseUrl);
    }

    /** A handshake's answer: the session id and the guest cookie it issued, if it did. */
    public record Opened(String sid, String issuedCookie, Http.Reply reply) {
        /** The issued cookie as a {@code Cookie} header value. */
        public String cookiePair() {
            return Http.cookiePair(issuedCookie);
        }
    }

    /** Opens a session ({@code GET} handshake); fails unless it is answered 200. */
    public Opened open(String... headers) {
        Http.Reply reply = http.get(PATH, headers);
        if (reply.status() != 200) {
            throw new IllegalStateException("handshake refused: " + reply.status() + " " + reply.body());
        }
        String sid = reply.body().replaceAll("(?s).*\"sid\":\"([^\"]+)\".*", "$1");
        String cookie = reply.headers().allValues("set-cookie").stream()
                .filter(v -> v.startsWith("owc_guest=")).findFirst().orElse(null);
        return new Opened(sid, cookie, reply);
    }

    /** Posts {@code body} to the session. */
    public Http.Reply post(String sid, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + PATH + "&sid=" + sid))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build());
    }

    /** Polls the session once; a poll with nothing to deliver fails after {@code wait}. */
    public Http.Reply poll(String sid, Duration wait, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + PATH + "&sid=" + sid))
                .timeout(wait).GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build());
    }
}
