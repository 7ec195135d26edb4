package org.openworldchat.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One raw WebSocket connection speaking Engine.IO v4 / Socket.IO text framing, without a client
 * library. Two modes:
 * <ul>
 * <li><b>sink</b> ({@code fullParse=false}): reads every byte but keeps only the first 16 bytes of
 * each message, enough to tell a NEW_MESSAGE from a ping or an ack. No allocation, no JSON per
 * broadcast: the cheapest possible receiver, so that 1000 of them do not make the generator the
 * bottleneck.</li>
 * <li><b>full</b>: every Socket.IO packet is decoded to a String and handed to the handler (probes,
 * senders, writers).</li>
 * </ul>
 * Server-to-client frames are unmasked; client-to-server frames are masked, as RFC 6455 requires.
 */
final class EioConnection {
    private static final byte[] NEW_MESSAGE_PREFIX = "42[\"NEW_MESSAGE\"".getBytes(StandardCharsets.US_ASCII);
    private static final int PREFIX = NEW_MESSAGE_PREFIX.length;

    private enum State { CONNECTING, UPGRADING, OPEN, CLOSED }

    private final EventLoop loop;
    private final Handler handler;
    private final boolean fullParse;
    private final String host;
    private final int port;
    private final String cookie;
    private SocketChannel channel;
    private SelectionKey key;
    private State state = State.CONNECTING;
    private final ArrayDeque<ByteBuffer> pendingWrites = new ArrayDeque<>();

    private final StringBuilder httpResponse = new StringBuilder();
    /** The owc_guest cookie the server set on the upgrade response, if any. */
    String setCookie;
    /** Free slot for the scenario (index, per-connection counters). */
    Object attachment;
    int nextAckId = 1;
    boolean socketIoConnected;
    /** Set by the scenario once this connection finished its setup (joined, named). */
    boolean ready;

    // Frame parser state (survives across reads).
    private final byte[] header = new byte[14];
    private int headerLen;
    private long payloadLeft;
    private boolean inPayload;
    private int opcode;
    private boolean fin;
    private int messageOpcode;
    private long messageLen;
    // Sink mode: the first bytes of the current message. Full mode: the whole message.
    private final byte[] prefix = new byte[PREFIX];
    private int prefixLen;
    private byte[] message = new byte[0];
    private final byte[] control = new byte[125];
    private int controlLen;

    EioConnection(EventLoop loop, Handler handler, boolean fullParse, String host, int port, String cookie) {
        this.loop = loop;
        this.handler = handler;
        this.fullParse = fullParse;
        this.host = host;
        this.port = port;
        this.cookie = cookie;
        if (fullParse) {
            message = new byte[1024];
        }
    }

    /** Starts connecting; call on the loop thread. */
    void connect() {
        try {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            key = channel.register(loop.selector(), SelectionKey.OP_CONNECT, this);
            if (channel.connect(new InetSocketAddress(host, port))) {
                onConnectFinished();
            }
        } catch (IOException e) {
            close("connect: " + e.getMessage());
        }
    }

    boolean isOpen() {
        return state != State.CLOSED;
    }

    void onReady(SelectionKey k) {
        try {
            if (!k.isValid()) {
                return;
            }
            if (k.isConnectable()) {
                if (channel.finishConnect()) {
                    onConnectFinished();
                }
                return;
            }
            if (k.isWritable()) {
                flush();
            }
            if (k.isValid() && k.isReadable()) {
                read();
            }
        } catch (IOException e) {
            close(e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private void onConnectFinished() throws IOException {
        state = State.UPGRADING;
        key.interestOps(SelectionKey.OP_READ);
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        // No Sec-WebSocket-Extensions: every server then sends uncompressed frames.
        String request = "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                + "Host: " + host + ":" + port + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + (cookie == null ? "" : "Cookie: " + cookie + "\r\n")
                + "\r\n";
        write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
    }

    private void read() throws IOException {
        ByteBuffer buf = loop.readBuffer;
        // Drain the socket: a sink must never let the server's output queue grow.
        while (true) {
            buf.clear();
            int n = channel.read(buf);
            if (n < 0) {
                close("closed by server");
                return;
            }
            if (n == 0) {
                return;
            }
            buf.flip();
            if (state == State.UPGRADING) {
                readHttpResponse(buf);
            }
            if (state == State.OPEN) {
                parseFrames(buf);
            }
            if (n < buf.capacity() || state == State.CLOSED) {
                return;
            }
        }
    }

    private void readHttpResponse(ByteBuffer buf) {
        while (buf.hasRemaining()) {
            httpResponse.append((char) (buf.get() & 0xff));
            int len = httpResponse.length();
            if (len >= 4 && httpResponse.charAt(len - 1) == '\n' && httpResponse.charAt(len - 2) == '\r'
                    && httpResponse.charAt(len - 3) == '\n' && httpResponse.charAt(len - 4) == '\r') {
                String head = httpResponse.toString();
                httpResponse.setLength(0);
                if (!head.startsWith("HTTP/1.1 101")) {
                    close("upgrade refused: " + head.lines().findFirst().orElse(""));
                    return;
                }
                setCookie = findCookie(head);
                state = State.OPEN;
                return;
            }
        }
    }

    private static String findCookie(String head) {
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, "Set-Cookie:", 0, 11)) {
                String value = line.substring(11).trim();
                if (value.startsWith("owc_guest=")) {
                    int semi = value.indexOf(';');
                    return semi < 0 ? value : value.substring(0, semi);
                }
            }
        }
        return null;
    }

    private void parseFrames(ByteBuffer buf) {
        while (buf.hasRemaining() && state == State.OPEN) {
            if (!inPayload) {
                header[headerLen++] = buf.get();
                if (headerLen < 2) {
                    continue;
                }
                int len7 = header[1] & 0x7f;
                int need = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((header[1] & 0x80) != 0 ? 4 : 0);
                if (headerLen < need) {
                    continue;
                }
                startFrame(len7);
                headerLen = 0;
                if (payloadLeft == 0) {
                    endFrame();
                }
                continue;
            }
            int n = (int) Math.min(payloadLeft, buf.remaining());
            consumePayload(buf, n);
            payloadLeft -= n;
            if (payloadLeft == 0) {
                endFrame();
            }
        }
    }

    private void startFrame(int len7) {
        fin = (header[0] & 0x80) != 0;
        opcode = header[0] & 0x0f;
        if (len7 == 126) {
            payloadLeft = ((header[2] & 0xff) << 8) | (header[3] & 0xff);
        } else if (len7 == 127) {
            long v = 0;
            for (int i = 2; i < 10; i++) {
                v = (v << 8) | (header[i] & 0xff);
            }
            payloadLeft = v;
        } else {
            payloadLeft = len7;
        }
        inPayload = true;
        if (opcode >= 8) {
            controlLen = 0;
        } else if (opcode != 0) {
            messageOpcode = opcode;
            messageLen = 0;
            prefixLen = 0;
        }
    }

    private void consumePayload(ByteBuffer buf, int n) {
        if (opcode >= 8) {
            buf.get(control, controlLen, n);
            controlLen += n;
            return;
        }
        if (fullParse) {
            ensureMessageCapacity((int) messageLen + n);
            buf.get(message, (int) messageLen, n);
        } else {
            int keep = Math.min(n, PREFIX - prefixLen);
            if (keep > 0) {
                buf.get(prefix, prefixLen, keep);
                prefixLen += keep;
            }
            buf.position(buf.position() + (n - keep));
        }
        messageLen += n;
    }

    private void ensureMessageCapacity(int needed) {
        if (needed > message.length) {
            byte[] bigger = new byte[Math.max(needed, message.length * 2)];
            System.arraycopy(message, 0, bigger, 0, message.length);
            message = bigger;
        }
    }

    private void endFrame() {
        inPayload = false;
        if (opcode == 8) {
            close("websocket close from server");
        } else if (opcode == 9) {
            sendFrame(0xA, java.util.Arrays.copyOf(control, controlLen));
        } else if (opcode < 8 && fin && messageOpcode == 1) {
            if (fullParse) {
                onFullPacket(new String(message, 0, (int) messageLen, StandardCharsets.UTF_8));
            } else {
                onSinkPacket();
            }
        }
    }

    /** Sink mode: decide from the first bytes alone. */
    private void onSinkPacket() {
        if (prefixLen == PREFIX && java.util.Arrays.equals(prefix, 0, PREFIX, NEW_MESSAGE_PREFIX, 0, PREFIX)) {
            handler.onNewMessageCounted(this);
            return;
        }
        if (prefixLen == 0) {
            return;
        }
        byte type = prefix[0];
        if (type == '2' && messageLen == 1) {
            sendText("3");
        } else if (type == '0') {
            sendText("40");
        } else if (type == '4' && prefixLen >= 2) {
            switch (prefix[1]) {
                case '0' -> connected();
                case '3' -> handler.onAckCounted(this);
                case '1', '4' -> close("socket.io disconnect/refusal from server");
                default -> { }
            }
        } else if (type == '1') {
            close("engine.io close from server");
        }
    }

    private void onFullPacket(String packet) {
        if (packet.isEmpty()) {
            return;
        }
        char type = packet.charAt(0);
        if (type == '2' && packet.length() == 1) {
            sendText("3");
        } else if (type == '0') {
            sendText("40");
        } else if (type == '1') {
            close("engine.io close from server");
        } else if (packet.startsWith("40")) {
            connected();
        } else if (packet.startsWith("41") || packet.startsWith("44")) {
            close("socket.io disconnect/refusal: " + packet);
        } else {
            handler.onPacket(this, packet);
        }
    }

    private void connected() {
        if (!socketIoConnected) {
            socketIoConnected = true;
            handler.onConnected(this);
        }
    }

    /** Emits {@code 42<ackId>["event",payloadJson]} and returns the ack id. Loop thread only. */
    int emit(String event, String payloadJson) {
        int ackId = nextAckId++;
        sendText("42" + ackId + "[\"" + event + "\"," + payloadJson + "]");
        return ackId;
    }

    void sendText(String text) {
        sendFrame(0x1, text.getBytes(StandardCharsets.UTF_8));
    }

    private void sendFrame(int op, byte[] payload) {
        int len = payload.length;
        int headerSize = len < 126 ? 2 : len < 65536 ? 4 : 10;
        ByteBuffer frame = ByteBuffer.allocate(headerSize + 4 + len);
        frame.put((byte) (0x80 | op));
        if (len < 126) {
            frame.put((byte) (0x80 | len));
        } else if (len < 65536) {
            frame.put((byte) (0x80 | 126)).putShort((short) len);
        } else {
            frame.put((byte) (0x80 | 127)).putLong(len);
        }
        int mask = ThreadLocalRandom.current().nextInt();
        frame.putInt(mask);
        for (int i = 0; i < len; i++) {
            frame.put((byte) (payload[i] ^ (mask >>> (24 - 8 * (i & 3)))));
        }
        frame.flip();
        write(frame);
    }

    private void write(ByteBuffer buf) {
        if (state == State.CLOSED) {
            return;
        }
        if (pendingWrites.isEmpty()) {
            try {
                channel.write(buf);
            } catch (IOException e) {
                close("write: " + e.getMessage());
                return;
            }
            if (!buf.hasRemaining()) {
                return;
            }
            key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
        }
        pendingWrites.add(buf);
    }

    private void flush() throws IOException {
        while (!pendingWrites.isEmpty()) {
            ByteBuffer head = pendingWrites.peek();
            channel.write(head);
            if (head.hasRemaining()) {
                return;
            }
            pendingWrites.poll();
        }
        key.interestOps(SelectionKey.OP_READ);
    }

    void close(String reason) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        try {
            if (key != null) {
                key.cancel();
            }
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // the socket is gone either way
        }
        handler.onClosed(this, reason);
    }
}
