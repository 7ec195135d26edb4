package org.openworldchat.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.openworldchat.guest.Guest;
import org.openworldchat.guest.GuestService;

/**
 * {@code GET /api/session}: who this browser is; hands out the guest cookie when it has no valid
 * one. Never refused for a budget and never stores anything: a new guest is only its cookie.
 */
public final class SessionEndpoint implements Endpoint {

    private final GuestService guests;
    private final GuestCookie cookie;

    public SessionEndpoint(GuestService guests, GuestCookie cookie) {
        this.guests = guests;
        this.cookie = cookie;
    }

    @Override
    public HttpReply handle(HttpCall call) {
        Optional<UUID> known = cookie.guestOf(call.headers());
        GuestCookie.Issued issued = known.isPresent() ? null : cookie.issue();
        Guest guest = issued == null ? guests.touch(known.get()) : guests.issued(issued.guestId());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("guestId", guest.guestId().toString());
        body.put("username", guest.username().orElse(null));
        body.put("defaultUsername", guest.defaultUsername());
        HttpReply reply = Json.ok(body);
        return issued == null ? reply : reply.withHeader(HttpHeaderNames.SET_COOKIE, issued.setCookieHeader());
    }
}
