package org.openworldchat.realtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Concurrent Socket.IO connections per client address on this node. The handshake asks for room
 * first; a socket is counted once connected and released when it disconnects. Handshakes that
 * race past the first check are caught when they connect ({@link #register} says no).
 */
final class ConnectionLimiter {

    private final int maxPerAddress;
    private final Map<String, Integer> open = new ConcurrentHashMap<>();

    ConnectionLimiter(int maxPerAddress) {
        this.maxPerAddress = maxPerAddress;
    }

    boolean hasRoom(String address) {
        return open.getOrDefault(address, 0) < maxPerAddress;
    }

    /** Counts a connected socket; false (and not counted) when the address is already full. */
    boolean register(String address) {
        boolean[] admitted = {false};
        open.compute(address, (a, n) -> {
            int current = n == null ? 0 : n;
            admitted[0] = current < maxPerAddress;
            return admitted[0] ? current + 1 : (current == 0 ? null : current);
        });
        return admitted[0];
    }

    void release(String address) {
        open.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
    }
}
