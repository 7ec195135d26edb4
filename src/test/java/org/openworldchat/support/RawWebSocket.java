package org.openworldchat.support;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * A websocket to the Socket.IO endpoint over a plain TCP socket, written by hand: it sends exactly
 * the frames a test tells it to (binary ones too, which no Socket.IO client of the contract sends)
 * and sees for certain when the server closes the connection.
 */
public final class RawWebSocket implements AutoCloseable {

    private static final int TEXT = 0x1;
    private static final int BINARY = 0x2;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /**
     * Upgrades {@code target} (such as {@code /socket.io/?EIO=4&transport=websocket}) with the
     * given extra request headers; fails with the status line unless the server answers 101.
     */
    public static RawWebSocket open(int port, String target, Map<String, String> headers) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        RawWebSocket ws = new RawWebSocket(socket);
        StringBuilder request = new StringBuilder("GET " + target + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n");
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        ws.out.write(request.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) ws.in.readUnsignedByte());
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IllegalStateException("handshake refused: " + head.toString().lines().findFirst().orElse(""));
        }
        return ws;
    }

    /** The next text frame; control frames (pings) are skipped. */
    public String next() throws IOException {
        while (true) {
            int opcode = in.readUnsignedByte() & 0x0F;
            long length = in.readUnsignedByte() & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = new byte[Math.toIntExact(length)];
            in.readFully(payload);
            if (opcode == TEXT) {
                return new String(payload, StandardCharsets.UTF_8);
            }
        }
    }

    /** The next text frame that starts with {@code prefix}, skipping the others. */
    public String nextStartingWith(String prefix) throws IOException {
        String frame;
        do {
            frame = next();
        } while (!frame.startsWith(prefix));
        return frame;
    }

    /** Sends a text frame, masked (with a zero key) as from every client. */
    public void send(String text) throws IOException {
        write(TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a binary frame (masked likewise). */
    public void sendBinary(byte[] payload) throws IOException {
        write(BINARY, payload);
    }

    private void write(int opcode, byte[] payload) throws IOException {
        int header = payload.length < 126 ? 2 : payload.length <= 0xFFFF ? 4 : 10;
        byte[] frame = new byte[header + 4 + payload.length];
        frame[0] = (byte) (0x80 | opcode);
        if (header == 2) {
            frame[1] = (byte) (0x80 | payload.length);
        } else if (header == 4) {
            frame[1] = (byte) (0x80 | 126);
            frame[2] = (byte) (payload.length >>> 8);
            frame[3] = (byte) payload.length;
        } else {
            frame[1] = (byte) (0x80 | 127);
            for (int i = 0; i < 8; i++) {
                frame[2 + i] = (byte) ((long) payload.length >>> (8 * (7 - i)));
            }
        }
        System.arraycopy(payload, 0, frame, header + 4, payload.length);
        out.write(frame);
        out.flush();
    }

    /** Whether the server closes the connection in time; what it sends until then is skipped. */
    public boolean closedWithin(Duration wait) throws IOException {
        socket.setSoTimeout((int) wait.toMillis());
        try {
            while (in.read() >= 0) {
                // skipped
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
