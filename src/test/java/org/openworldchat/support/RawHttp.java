package org.openworldchat.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 connection over a plain socket, written by hand: it sends exactly the bytes it is
 * given, when it is told to, and reads answers as the wire carries them (a HEAD answer's
 * headers without a body, pipelined answers one after the other, the server's close). It can
 * connect from any local address: on Linux every 127.x.y.z is the machine itself, so
 * {@code 127.0.0.2} is another client address to the server.
 */
public final class RawHttp implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** A connection to the server on {@code port} of 127.0.0.1, from 127.0.0.1. */
    public static RawHttp open(int port) {
        return open(port, "127.0.0.1");
    }

    /** A connection to the server on {@code port} of 127.0.0.1, from the local address {@code from}. */
    public static RawHttp open(int port, String from) {
        try {
            Socket socket = new Socket();
            socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            socket.setSoTimeout(10_000);
            return new RawHttp(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A request for {@code path} with only a Host header (and {@code extraHeaders}, each a whole line). */
    public static String request(String method, String path, String... extraHeaders) {
        StringBuilder request = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (String header : extraHeaders) {
            request.append(header).append("\r\n");
        }
        return request.append("\r\n").toString();
    }

    public RawHttp send(String text) {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public RawHttp send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An answer as read from the wire. */
    public record Answer(String statusLine, Map<String, String> headers, byte[] body) {
        public int status() {
            return Integer.parseInt(statusLine.split(" ")[1]);
        }

        /** A header's value (names in lower case). */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** The next answer; its body is read only when {@code withBody} (a HEAD answer has none, whatever it says). */
    public Answer read(boolean withBody) {
        try {
            String head = readHead();
            String[] lines = head.split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
            }
            byte[] body = new byte[0];
            String length = headers.get("content-length");
            if (withBody && length != null) {
                body = in.readNBytes(Integer.parseInt(length));
            }
            return new Answer(lines[0], headers, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next answer with its body. */
    public Answer read() {
        return read(true);
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed by the server after " + head.size() + " bytes of an answer's head");
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return text.substring(0, text.length() - 4);
    }

    /** Whether the server closes the connection within {@code wait}; what it sends until then is skipped. */
    public boolean closedWithin(Duration wait) {
        try {
            socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
            while (in.read() >= 0) {
                // skipped
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        } finally {
            readTimeout(Duration.ofSeconds(10));
        }
    }

    /**
     * Everything the server sends until it closes the connection (a reset counts as a close);
     * fails if it does not close within {@code wait}.
     */
    public byte[] restUntilClosed(Duration wait) {
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        try {
            readTimeout(wait);
            for (int b = in.read(); b >= 0; b = in.read()) {
                rest.write(b);
            }
        } catch (SocketTimeoutException stillOpen) {
            throw new AssertionError("still open after " + wait + " (" + rest.size() + " bytes read)");
        } catch (IOException reset) {
            // closed
        } finally {
            readTimeout(Duration.ofSeconds(10));
        }
        return rest.toByteArray();
    }

    /** Whether the server has sent something not read yet (an answer before the request was all sent). */
    public boolean answerWaiting() {
        try {
            return in.available() > 0;
        } catch (IOException e) {
            return true;
        }
    }

    /** How long a read waits before it fails. */
    public RawHttp readTimeout(Duration wait) {
        try {
            if (!socket.isClosed()) {
                socket.setSoTimeout((int) wait.toMillis());
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
