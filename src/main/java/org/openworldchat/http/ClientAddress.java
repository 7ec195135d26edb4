package org.openworldchat.http;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import org.openworldchat.ratelimit.AddressKey;
import org.openworldchat.ratelimit.AddressKeys;

/**
 * The client's IP address: the peer of the TCP connection, or, behind our own proxy
 * ({@code TRUST_PROXY=true}), the last address in {@code X-Forwarded-For}, which is the one our
 * proxy appended (the ones before it are whatever the client claimed). Only ever handed on as its
 * keyed hash ({@link AddressKey}); never stored or logged.
 */
public final class ClientAddress {

    private final boolean trustProxy;
    private final AddressKeys keys;

    public ClientAddress(boolean trustProxy, AddressKeys keys) {
        this.trustProxy = trustProxy;
        this.keys = keys;
    }

    /** Whether {@code X-Forwarded-For} names the client (the peer is then our proxy). */
    public boolean trustsProxy() {
        return trustProxy;
    }

    public AddressKey of(SocketAddress peer, HttpHeaders headers) {
        return keys.of(forwarded(headers).orElseGet(() -> peerAddress(peer)));
    }

    /** The key of the connection's own peer, whatever the headers say. */
    public AddressKey ofPeer(SocketAddress peer) {
        return keys.of(peerAddress(peer));
    }

    /** The proxy's last hop, when proxies are trusted and it is an IP literal (never a name to look up). */
    private Optional<InetAddress> forwarded(HttpHeaders headers) {
        if (!trustProxy) {
            return Optional.empty();
        }
        String forwarded = headers.get("X-Forwarded-For");
        if (forwarded == null || forwarded.isBlank()) {
            return Optional.empty();
        }
        String last = forwarded.substring(forwarded.lastIndexOf(',') + 1).strip();
        byte[] raw = NetUtil.createByteArrayFromIpAddressString(last);
        if (raw == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(raw));
        } catch (UnknownHostException impossible) {
            return Optional.empty();
        }
    }

    private static InetAddress peerAddress(SocketAddress peer) {
        if (peer instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress();
        }
        // Not an IP connection (an embedded channel in a test): one shared bucket.
        return InetAddress.getLoopbackAddress();
    }
}
