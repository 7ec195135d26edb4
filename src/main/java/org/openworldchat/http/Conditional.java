package org.openworldchat.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Arrays;

/** Conditional requests ({@code If-None-Match}), for answers that carry an {@code ETag}. */
final class Conditional {

    private Conditional() {
    }

    /** Whether the client already holds the representation tagged {@code etag} (weak tags match too). */
    static boolean matches(HttpHeaders headers, String etag) {
        return headers.getAll(HttpHeaderNames.IF_NONE_MATCH).stream()
                .flatMap(v -> Arrays.stream(v.split(",")))
                .map(String::trim)
                .anyMatch(tag -> tag.equals(etag) || tag.equals("W/" + etag) || tag.equals("*"));
    }
}
