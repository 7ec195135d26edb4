package org.openworldchat.http;

import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The client's IP address: the peer of the TCP connection, or, behind our own proxy
 * ({@code TRUST_PROXY=true}), the last address in {@code X-Forwarded-For}, which is the one our
 * proxy appended (the ones before it are whatever the client claimed). Used for connection
 * limits only; never stored or logged.
 */
public final class ClientAddress {

    private final boolean trustProxy;

    public ClientAddress(boolean trustProxy) {
        this.trustProxy = trustProxy;
    }

    public String of(SocketAddress peer, HttpHeaders headers) {
        if (trustProxy) {
            String forwarded = headers.get("X-Forwarded-For");
            if (forwarded != null && !forwarded.isBlank()) {
                String[] hops = forwarded.split(",");
                String last = hops[hops.length - 1].strip();
                if (!last.isEmpty()) {
                    return last;
                }
            }
        }
        return peer instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : String.valueOf(peer);
    }
}
