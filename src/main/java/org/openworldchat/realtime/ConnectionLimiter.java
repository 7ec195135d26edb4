package org.openworldchat.realtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.openworldchat.ratelimit.AddressKey;

/**
 * Places per client address on this node: every Engine.IO session, connected to the namespace or
 * not yet, holds one from its handshake until it ends ({@link EngineSessions}). An IPv6 address
 * also holds one of its /64's places, a larger number: one subscriber usually has a whole /64 and
 * could otherwise take the per-address number again with each of its addresses. Nothing is shared
 * between nodes.
 */
final class ConnectionLimiter {

    private final int maxPerAddress;
    private final int maxPerNetwork;
    private final Map<String, Integer> hosts = new ConcurrentHashMap<>();
    private final Map<String, Integer> networks = new ConcurrentHashMap<>();

    /**
     * @param maxPerAddress places of one IPv4 address or one whole IPv6 address
     * @param maxPerNetwork places of all the addresses of one IPv6 /64 together
     */
    ConnectionLimiter(int maxPerAddress, int maxPerNetwork) {
        this.maxPerAddress = maxPerAddress;
        this.maxPerNetwork = maxPerNetwork;
    }

    /** Takes a place; false (and nothing taken) when the address or its /64 already holds all of its own. */
    boolean reserve(AddressKey address) {
        if (!take(hosts, address.host(), maxPerAddress)) {
            return false;
        }
        if (address.network().isPresent() && !take(networks, address.network().get(), maxPerNetwork)) {
            give(hosts, address.host());
            return false;
        }
        return true;
    }

    void release(AddressKey address) {
        give(hosts, address.host());
        address.network().ifPresent(network -> give(networks, network));
    }

    private static boolean take(Map<String, Integer> counts, String key, int max) {
        boolean[] admitted = {false};
        counts.compute(key, (k, n) -> {
            int current = n == null ? 0 : n;
            admitted[0] = current < max;
            return admitted[0] ? current + 1 : (current == 0 ? null : current);
        });
        return admitted[0];
    }

    private static void give(Map<String, Integer> counts, String key) {
        counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }
}
