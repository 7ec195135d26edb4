package org.openworldchat.ratelimit;

import java.util.Objects;
import java.util.Optional;

/**
 * A client address as the server keeps it: never the address itself, only keyed hashes of it
 * ({@link AddressKeys}). {@code host} stands for the whole address (an IPv4 address or a whole
 * IPv6 address); {@code network}, for IPv6 only, stands for its /64, the block one subscriber
 * usually gets, so that a /64 cannot dodge a per-address bound by rotating through its addresses.
 */
public record AddressKey(String host, Optional<String> network) {

    public AddressKey {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(network, "network");
    }

    /** What log lines, metrics and errors may show instead: nothing that names the address. */
    @Override
    public String toString() {
        return "AddressKey[hidden]";
    }
}
