package org.openworldchat.realtime;

import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.handler.ClientsBox;
import com.corundumstudio.socketio.messages.PacketsMessage;
import com.corundumstudio.socketio.protocol.EngineIOVersion;
import com.corundumstudio.socketio.transport.NamespaceClient;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The Engine.IO sessions of this node and their places in the per-address limit.
 *
 * <p>A session holds one of its address's places in the {@link ConnectionLimiter} from the
 * handshake that opens it until it ends, whether or not it ever connects to the namespace, so the
 * sessions of one address never outnumber the limit. The Socket.IO door takes the place before
 * the library sees the handshake ({@link #reserve}); {@link Claim}, right behind the library's
 * authorization, gives it to the session the library made of the handshake, and the door gives
 * it back when the library refused the handshake instead ({@link #handshakeDone}). A session
 * gives its place back exactly once: when its socket disconnects ({@link #socketDisconnected}),
 * when it is closed for not connecting in time, or when it is ended for what it sent
 * ({@link #end}). A session also keeps its {@link SessionOwner}, which every later request naming
 * it must match ({@link #ownerOf}).
 *
 * <p>Like the official server's {@code connectTimeout}, a session that has not connected to the
 * namespace within {@link RealtimeServer#CONNECT_TIMEOUT} of its handshake is closed. Connecting
 * means sending the Socket.IO CONNECT packet ("40"), which {@link ConnectWatch} looks for.
 * netty-socketio itself connects the namespace, and runs the connect listener, at a session's
 * first polling GET or its websocket handshake, whether or not "40" follows; a session opened by a
 * POST or OPTIONS handshake, or by a websocket handshake answered 426, is never connected by it
 * and stays in its session table for good (past the ping timeout too). Without the timeout,
 * neither kind ever ended while its peer stayed quiet or kept answering pings.
 */
final class EngineSessions {

    /** How long a socket that left the namespace may keep its connection before it is closed. */
    private static final Executor LEAVE_GRACE = CompletableFuture.delayedExecutor(2, TimeUnit.SECONDS);

    /** The owner whose place the handshake on this channel took, until a session holds it. */
    private static final AttributeKey<SessionOwner> RESERVED = AttributeKey.valueOf("owc.reservedPlace");

    private final ConnectionLimiter limiter;
    private final long connectTimeoutMillis;
    private final Map<UUID, Session> open = new ConcurrentHashMap<>();
    private volatile ClientsBox library;

    EngineSessions(ConnectionLimiter limiter, Duration connectTimeout) {
        this.limiter = limiter;
        this.connectTimeoutMillis = connectTimeout.toMillis();
    }

    /** The library's table of sessions, through which a session that timed out is closed. */
    void useLibraryTable(ClientsBox sessions) {
        this.library = sessions;
    }

    /**
     * Takes a place of the owner's address for the handshake arriving on the channel; false when
     * the address (or its IPv6 /64) has none left.
     */
    boolean reserve(Channel channel, SessionOwner owner) {
        if (!limiter.reserve(owner.address())) {
            return false;
        }
        channel.attr(RESERVED).set(owner);
        return true;
    }

    /** After the library has handled a handshake: gives the place back unless a session took it. */
    void handshakeDone(Channel channel) {
        SessionOwner unclaimed = channel.attr(RESERVED).getAndSet(null);
        if (unclaimed != null) {
            limiter.release(unclaimed.address());
        }
    }

    /** Whom an open session belongs to; empty for a session that is not open (any more). */
    Optional<SessionOwner> ownerOf(UUID sessionId) {
        Session session = open.get(sessionId);
        return session == null ? Optional.empty() : Optional.of(session.owner);
    }

    /**
     * Ends a session at once for what its client sent: gives its place back, sends "41" and closes
     * its transport, and makes the library forget it (which it does by itself only for sessions it
     * connected to the namespace).
     */
    void end(ClientHead head) {
        release(head.getSessionId());
        head.disconnect();
        ClientsBox sessions = library;
        if (sessions != null) {
            sessions.removeClient(head.getSessionId());
        }
    }

    /** The session whose transport the channel is, if any. */
    ClientHead sessionOn(Channel channel) {
        ClientsBox sessions = library;
        return sessions == null ? null : sessions.get(channel);
    }

    /**
     * The connect listener's first step: false for a session that holds no place (it timed out
     * just now, or its socket disconnected and it sent "40" again), which is then closed.
     */
    boolean socketConnected(SocketIOClient client) {
        Session session = open.get(client.getSessionId());
        if (session == null) {
            close(headOf(client));
            return false;
        }
        session.socket = true;
        if (client.getEngineIOVersion() != EngineIOVersion.V4) {
            // Before protocol 4 the server connects the default namespace and no "40" comes.
            session.connected();
        }
        return true;
    }

    /**
     * The disconnect listener's first step: gives the session's place back (nothing the second
     * time). A socket that disconnected from the namespace ("41") leaves its Engine.IO session
     * open in the library, off its table and no longer pinged; that session is closed too, so no
     * connection outlives its place.
     */
    void socketDisconnected(SocketIOClient client) {
        release(client.getSessionId());
        ClientHead head = headOf(client);
        if (head != null && head.isConnected()) {
            // A client that sent "41" closes its transport itself a moment later; closing first
            // would reset a connection whose close frame is already on its way (proxies log each
            // such reset as an error). One that keeps the connection is closed after the grace.
            LEAVE_GRACE.execute(() -> {
                if (head.isConnected()) {
                    head.disconnect();
                }
            });
        }
    }

    private void release(UUID sessionId) {
        Session session = open.remove(sessionId);
        if (session != null) {
            session.stopTimer();
            limiter.release(session.owner.address());
        }
    }

    private void start(UUID sessionId, SessionOwner owner, Channel channel) {
        Session session = new Session(owner);
        session.timer = channel.eventLoop().schedule(() -> expire(sessionId, session),
                connectTimeoutMillis, TimeUnit.MILLISECONDS);
        open.put(sessionId, session);
    }

    private void expire(UUID sessionId, Session session) {
        if (session.connected || !open.remove(sessionId, session)) {
            return;
        }
        limiter.release(session.owner.address());
        ClientsBox sessions = library;
        ClientHead head = sessions == null ? null : sessions.get(sessionId);
        close(head);
        if (head != null) {
            // The library forgets only sessions it connected.
            sessions.removeClient(sessionId);
        }
    }

    /**
     * Closes a session as its ping timeout would: "41" and the connection closed behind it where
     * a transport is bound. A connected socket's disconnect listener runs from here.
     */
    private static void close(ClientHead head) {
        if (head != null) {
            head.disconnect();
        }
    }

    private static ClientHead headOf(SocketIOClient client) {
        return client instanceof NamespaceClient namespaced ? namespaced.getBaseClient() : null;
    }

    Claim claim() {
        return new Claim();
    }

    ConnectWatch connectWatch() {
        return new ConnectWatch();
    }

    /**
     * Sits right behind the library's authorization, which passes on only a handshake it accepted,
     * with the new session in the channel's {@link ClientHead#CLIENT} attribute; it comes here
     * before the transport handlers, which may run the connect listener.
     */
    @Sharable
    final class Claim extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest) {
                Channel channel = ctx.channel();
                SessionOwner owner = channel.attr(RESERVED).getAndSet(null);
                ClientHead head = channel.attr(ClientHead.CLIENT).get();
                if (owner != null && head != null) {
                    start(head.getSessionId(), owner, channel);
                } else if (owner != null) {
                    limiter.release(owner.address());
                }
            }
            ctx.fireChannelRead(msg);
        }
    }

    /**
     * Sees the packets of every session before the library handles them and marks a session
     * connected once it sent "40" and the library connected it. Leaves a websocket's pipeline once
     * its session is connected (or was never one of ours).
     */
    @Sharable
    final class ConnectWatch extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof PacketsMessage packets)) {
                ctx.fireChannelRead(msg);
                return;
            }
            Session session = open.get(packets.getClient().getSessionId());
            boolean waiting = session != null && !session.connected;
            // Read before the library has the packets: the transport frees them afterwards.
            boolean connect = waiting && hasConnectPacket(packets.getContent());
            ctx.fireChannelRead(msg);
            if (connect && session.socket) {
                session.connected();
                waiting = false;
            }
            if (!waiting && packets.getTransport() == Transport.WEBSOCKET && ctx.pipeline().context(this) != null) {
                ctx.pipeline().remove(this);
            }
        }
    }

    /**
     * Whether the payload holds a CONNECT to the default namespace: a packet, at the start or
     * after an Engine.IO v4 record separator, that begins with "40" not followed by a namespace.
     */
    static boolean hasConnectPacket(ByteBuf content) {
        int end = content.writerIndex();
        int i = content.readerIndex();
        while (i < end) {
            if (end - i >= 2 && content.getByte(i) == '4' && content.getByte(i + 1) == '0'
                    && (end - i == 2 || content.getByte(i + 2) != '/')) {
                return true;
            }
            int separator = content.indexOf(i, end, (byte) 0x1e);
            if (separator < 0) {
                return false;
            }
            i = separator + 1;
        }
        return false;
    }

    private static final class Session {
        final SessionOwner owner;
        /** The library connected it: its disconnect listener will run when it ends. */
        volatile boolean socket;
        /** Sent "40": kept past the connect timeout. */
        volatile boolean connected;
        volatile ScheduledFuture<?> timer;

        Session(SessionOwner owner) {
            this.owner = owner;
        }

        void connected() {
            connected = true;
            stopTimer();
        }

        void stopTimer() {
            ScheduledFuture<?> t = timer;
            if (t != null) {
                timer = null;
                t.cancel(false);
            }
        }
    }
}
