package org.openworldchat.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.time.Duration;
import javax.net.SocketFactory;
import okhttp3.OkHttpClient;
import org.openworldchat.support.ChatClient;

/**
 * Clients whose connections all come from one local address other than the test's own. On Linux
 * every 127.x.y.z address is the machine itself, so a connection bound to 127.0.0.2 reaches the
 * node as a second client address: the node sees the attacker and the well-behaved client apart,
 * by their real peers, without trusting any header.
 */
final class AttackerAddress {

    private final InetAddress local;
    private final HttpClient http;
    private final OkHttpClient okHttp;

    AttackerAddress(String address) {
        try {
            this.local = InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(address, e);
        }
        this.http = HttpClient.newBuilder().localAddress(local).connectTimeout(Duration.ofSeconds(5)).build();
        this.okHttp = ChatClient.httpClientBuilder().socketFactory(new BoundSockets(local)).build();
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
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(local, 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        return socket;
    }

    /** Every socket bound to the address before it connects. */
    private static final class BoundSockets extends SocketFactory {
        private final InetAddress local;

        BoundSockets(InetAddress local) {
            this.local = local;
        }

        @Override
        public Socket createSocket() throws IOException {
            Socket socket = new Socket();
            socket.bind(new InetSocketAddress(local, 0));
            return socket;
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return connected(new InetSocketAddress(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return connected(new InetSocketAddress(host, port));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return connected(new InetSocketAddress(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            return connected(new InetSocketAddress(address, port));
        }

        private Socket connected(InetSocketAddress remote) throws IOException {
            Socket socket = createSocket();
            socket.connect(remote);
            return socket;
        }
    }

    static void quietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // the node may have closed it first
        }
    }

    static UncheckedIOException unchecked(IOException e) {
        return new UncheckedIOException(e);
    }
}
