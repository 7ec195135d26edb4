package org.openworldchat.message;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Ids of messages this node has already announced, so that a plain double send is announced
 * once. Bounded: the oldest ids fall out, and a retry that comes that late is announced again,
 * which the contract allows (clients drop repeated ids).
 */
final class RecentBroadcasts {

    private final Map<UUID, Boolean> ids;

    RecentBroadcasts(int capacity) {
        this.ids = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<UUID, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Marks the id; true when it was not marked before (the caller should announce it). */
    synchronized boolean claim(UUID id) {
        return ids.putIfAbsent(id, Boolean.TRUE) == null;
    }
}
