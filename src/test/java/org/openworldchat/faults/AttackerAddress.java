package org.openworldchat.faults;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.time.Duration;
import okhttp3.OkHttpClient;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.LocalAddressSockets;

/**
 * Clients whose connections all come from one local address other than the test's own. On Linux
 * every 127.x.y.z address is the machine itself, so a connection bound to 127.0.0.2 reaches the
 * node as a second client address: the node sees the attacker and the well-behaved client apart,
 * by their real peers, without trusting any header.
 */
final class AttackerAddress {

    private final LocalAddressSockets sockets;
    private final HttpClient http;
    private final OkHttpClient okHttp;

    AttackerAddress(String address) {
        try {
            this.http = HttpClient.newBuilder().localAddress(InetAddress.getByName(address))
                    .connectTimeout(Duration.ofSeconds(5)).build();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(address, e);
        }
        this.sockets = LocalAddressSockets.from(address);
        this.okHttp = sockets.httpClient();
    }

    /** HTTP requests and websockets from this address. */
    HttpClient http() {
        return http;
    }

    /** For real Socket.IO clients ({@link ChatClient#connect(String, java.util.Map, OkHttpClient, String...)}). */
    OkHttpClient okHttp() {
        return okHttp;
    }

    /** A plain TCP connection from this address. */
    Socket connect(int port) throws IOException {
        Socket socket = sockets.createSocket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        return socket;
    }

    static void quietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // the node may have closed it first
        }
    }
}
