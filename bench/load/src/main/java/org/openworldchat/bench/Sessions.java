package org.openworldchat.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Plain HTTP calls to our server: guest sessions (cookie + guestId) and the message history. */
final class Sessions {
    private static final Pattern GUEST_ID = Pattern.compile("\"guestId\":\"([0-9a-f-]{36})\"");
    private final HttpClient http = HttpClient.newHttpClient();
    private final Target target;

    record Session(String cookie, String guestId) {}

    Sessions(Target target) {
        this.target = target;
    }

    Session newGuest() throws IOException, InterruptedException {
        HttpResponse<String> r = get("/api/session");
        String cookie = r.headers().allValues("set-cookie").stream()
                .filter(v -> v.startsWith("owc_guest="))
                .map(v -> v.substring(0, v.indexOf(';') < 0 ? v.length() : v.indexOf(';')))
                .findFirst().orElseThrow(() -> new IOException("no owc_guest cookie from /api/session"));
        Matcher m = GUEST_ID.matcher(r.body());
        if (!m.find()) {
            throw new IOException("no guestId in /api/session: " + r.body());
        }
        return new Session(cookie, m.group(1));
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(target.baseUrl() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
