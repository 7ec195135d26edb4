package org.openworldchat.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import javax.net.SocketFactory;

/**
 * Sockets that connect from a chosen local address. On Linux every 127.x.y.z is the machine
 * itself, so a client bound to 127.0.0.2 is, to the server (or to a proxy in front of it),
 * another client address than one bound to 127.0.0.1: tests of per-address limits use this
 * instead of inventing {@code X-Forwarded-For} headers where no proxy is trusted.
 */
public final class LocalAddressSockets extends SocketFactory {

    private final InetAddress local;

    private LocalAddressSockets(InetAddress local) {
        this.local = local;
    }

    public static LocalAddressSockets from(String localAddress) {
        try {
            return new LocalAddressSockets(InetAddress.getByName(localAddress));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(localAddress, e);
        }
    }

    /**
     * An HTTP client like {@link ChatClient}'s own whose connections all come from this address;
     * with a connection pool of its own, since OkHttp would hand a kept-alive connection to a
     * client of another address.
     */
    public okhttp3.OkHttpClient httpClient() {
        return ChatClient.httpClientBuilder().socketFactory(this).connectionPool(new okhttp3.ConnectionPool()).build();
    }

    @Override
    public Socket createSocket() throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(local, 0));
        return socket;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return createSocket(InetAddress.getByName(host), port);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return new Socket(host, port, localHost, localPort);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return new Socket(host, port, local, 0);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return new Socket(address, port, localAddress, localPort);
    }
}
