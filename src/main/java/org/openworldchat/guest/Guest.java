package org.openworldchat.guest;

import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/** An anonymous visitor. {@code username} is empty until the guest chooses one. */
public record Guest(UUID guestId, Optional<String> username) {

    public Guest {
        if (guestId == null || username == null) {
            throw new IllegalArgumentException("guestId and username must not be null");
        }
    }

    /** A guest that has not chosen a username, which is all a guest without a stored row is. */
    public static Guest unnamed(UUID guestId) {
        return new Guest(guestId, Optional.empty());
    }

    /** {@code Guest_XXXX}: the first four hex digits of the guest id, what the page offers as a name. */
    public String defaultUsername() {
        return defaultUsernameOf(guestId);
    }

    public static String defaultUsernameOf(UUID guestId) {
        return "Guest_" + guestId.toString().substring(0, 4).toUpperCase(Locale.ROOT);
    }

    public boolean hasUsername() {
        return username.isPresent();
    }
}
