package org.openworldchat.realtime;

import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.openworldchat.ratelimit.AddressKey;

/**
 * Whom an Engine.IO session belongs to, fixed at its handshake: the guest the handshake resolved
 * to, whether it came with a valid cookie of that guest, and the client address that opened it.
 * The session id alone is no credential (it is in every request's URL, so in proxy logs and
 * browser histories): every later request must show it is the owner's.
 */
record SessionOwner(UUID guestId, boolean byCookie, AddressKey address) {

    /**
     * Whether a request is the owner's: a valid cookie, when it carries one, must be the session's
     * guest's (a session opened without a cookie issued that guest's cookie in its handshake);
     * without one, only a session whose handshake had none either, and only from its own address
     * (a client that keeps no cookies, such as a bot).
     *
     * @param cookieGuest the guest of the request's valid {@code owc_guest} cookie, if any
     * @param requester the request's client address, asked for only when it matters
     */
    boolean admits(Optional<UUID> cookieGuest, Supplier<AddressKey> requester) {
        if (cookieGuest.isPresent()) {
            return cookieGuest.get().equals(guestId);
        }
        return !byCookie && requester.get().host().equals(address.host());
    }
}
