package org.openworldchat.guest;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Guests this node has seen holding a username, so that the username gate in front of every
 * message and reaction does not cost a query each time. A username, once chosen, is never
 * removed, so an entry stays true; it is re-checked after {@link #RECHECK} all the same,
 * because the retention job may delete a guest that was inactive for 30 days. Bounded: past
 * {@code capacity} entries the map starts over.
 */
final class KnownWriters {

    private static final Duration RECHECK = Duration.ofMinutes(10);

    private record Entry(String username, Instant checkedAt) {
    }

    private final Map<UUID, Entry> entries = new ConcurrentHashMap<>();
    private final int capacity;

    KnownWriters(int capacity) {
        this.capacity = capacity;
    }

    /** The username last seen for the guest, or null when unknown or due for a re-check. */
    String username(UUID guestId, Instant now) {
        Entry e = entries.get(guestId);
        return e == null || now.isAfter(e.checkedAt().plus(RECHECK)) ? null : e.username();
    }

    void remember(UUID guestId, String username, Instant now) {
        if (entries.size() >= capacity) {
            entries.clear();
        }
        entries.put(guestId, new Entry(username, now));
    }
}
