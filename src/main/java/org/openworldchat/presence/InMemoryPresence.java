package org.openworldchat.presence;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Presence of one node, held in memory. */
public final class InMemoryPresence implements Presence {

    private final Map<String, UUID> guestBySocket = new HashMap<>();
    private final Map<UUID, Integer> socketsByGuest = new HashMap<>();
    private final Set<UUID> active = new HashSet<>();

    @Override
    public synchronized void join(String socketId, UUID guestId, boolean isActive) {
        if (guestBySocket.putIfAbsent(socketId, guestId) == null) {
            socketsByGuest.merge(guestId, 1, Integer::sum);
        }
        if (isActive) {
            active.add(guestId);
        }
    }

    @Override
    public synchronized void activate(UUID guestId) {
        if (socketsByGuest.containsKey(guestId)) {
            active.add(guestId);
        }
    }

    @Override
    public synchronized void leave(String socketId) {
        UUID guestId = guestBySocket.remove(socketId);
        if (guestId != null && socketsByGuest.merge(guestId, -1, Integer::sum) <= 0) {
            socketsByGuest.remove(guestId);
            active.remove(guestId);
        }
    }

    synchronized UUID guestOf(String socketId) {
        return guestBySocket.get(socketId);
    }

    synchronized boolean isWatching(UUID guestId) {
        return socketsByGuest.containsKey(guestId);
    }

    synchronized boolean isOnline(UUID guestId) {
        return active.contains(guestId);
    }

    synchronized Set<UUID> watchingGuests() {
        return Set.copyOf(socketsByGuest.keySet());
    }

    synchronized Set<UUID> onlineGuests() {
        return Set.copyOf(active);
    }

    @Override
    public synchronized Counts counts() {
        // "active" only ever holds guests that have a socket, so its size is the online count.
        return new Counts(active.size(), socketsByGuest.size());
    }
}
