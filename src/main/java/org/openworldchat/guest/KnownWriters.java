package org.openworldchat.guest;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Guests this node has seen holding a username, so that the username gate in front of every
 * message and reaction does not cost a query each time. A username, once chosen, is never
 * removed, so an entry stays true; it is re-checked after {@link #RECHECK_NANOS} all the same,
 * because the retention job may delete a guest that was inactive for 30 days. Bounded: past
 * {@code capacity} entries the map starts over.
 */
final class KnownWriters {

    private static final long RECHECK_NANOS = 10L * 60 * 1_000_000_000;

    private record Entry(String username, long checkedAt) {
    }

    private final Map<UUID, Entry> entries = new ConcurrentHashMap<>();
    private final int capacity;

    KnownWriters(int capacity) {
        this.capacity = capacity;
    }

    /** The username last seen for the guest, or null when unknown or due for a re-check. */
    String username(UUID guestId) {
        Entry e = entries.get(guestId);
        return e == null || System.nanoTime() - e.checkedAt() > RECHECK_NANOS ? null : e.username();
    }

    void remember(UUID guestId, String username) {
        if (entries.size() >= capacity) {
            entries.clear();
        }
        entries.put(guestId, new Entry(username, System.nanoTime()));
    }
}
