package org.openworldchat.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.util.Optional;
import java.util.UUID;
import org.openworldchat.guest.SessionTokens;

/**
 * The {@code owc_guest} cookie: reading the guest a request carries, and the {@code Set-Cookie}
 * value for a new one. Used by the HTTP routes and the Socket.IO handshake alike.
 */
public final class GuestCookie {

    public static final String NAME = "owc_guest";
    static final int MAX_AGE_SECONDS = 31_536_000;

    private final SessionTokens tokens;
    private final boolean secure;

    public GuestCookie(SessionTokens tokens, boolean secure) {
        this.tokens = tokens;
        this.secure = secure;
    }

    /** The guest named by a valid cookie; forged, tampered or malformed values count as none. */
    public Optional<UUID> guestOf(HttpHeaders headers) {
        for (String header : headers.getAll(HttpHeaderNames.COOKIE)) {
            for (Cookie cookie : ServerCookieDecoder.LAX.decodeAll(header)) {
                if (NAME.equals(cookie.name())) {
                    Optional<UUID> guest = tokens.verify(cookie.value());
                    if (guest.isPresent()) {
                        return guest;
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** A new guest and the header value that hands its cookie to the browser. */
    public Issued issue() {
        UUID guestId = UUID.randomUUID();
        return new Issued(guestId, setCookie(tokens.mint(guestId)));
    }

    public record Issued(UUID guestId, String setCookieHeader) {
    }

    private String setCookie(String token) {
        return NAME + "=" + token + "; Max-Age=" + MAX_AGE_SECONDS + "; Path=/; HttpOnly; SameSite=Lax"
                + (secure ? "; Secure" : "");
    }
}
