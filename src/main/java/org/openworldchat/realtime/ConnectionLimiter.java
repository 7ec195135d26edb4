package org.openworldchat.realtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Places per client address on this node: every Engine.IO session, connected to the namespace or
 * not yet, holds one from its handshake until it ends ({@link EngineSessions}). Nothing is shared
 * between nodes.
 */
final class ConnectionLimiter {

    private final int maxPerAddress;
    private final Map<String, Integer> open = new ConcurrentHashMap<>();

    ConnectionLimiter(int maxPerAddress) {
        this.maxPerAddress = maxPerAddress;
    }

    /** Takes a place; false (and nothing taken) when the address already holds all of its own. */
    boolean reserve(String address) {
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
