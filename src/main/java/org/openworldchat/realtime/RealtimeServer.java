package org.openworldchat.realtime;

import com.corundumstudio.socketio.AckMode;
import com.corundumstudio.socketio.AuthorizationResult;
import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketConfig;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.Transport;
import io.netty.channel.Channel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.ChannelFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.openworldchat.contract.ClientEvent;
import org.openworldchat.contract.ErrorMapper;
import org.openworldchat.guest.GuestService;
import org.openworldchat.http.ClientAddress;
import org.openworldchat.http.ConnectionLimits;
import org.openworldchat.http.GuestCookie;
import org.openworldchat.http.OriginPolicy;
import org.openworldchat.http.HttpRouter;
import org.openworldchat.logging.BadRequestLog;
import org.openworldchat.message.MessageEvents;
import org.openworldchat.metrics.ChatMetrics;
import org.openworldchat.message.MessageService;
import org.openworldchat.presence.PresenceEvents;
import org.openworldchat.presence.PresenceService;
import org.openworldchat.reaction.ReactionEvents;
import org.openworldchat.reaction.ReactionService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Socket.IO endpoint and the HTTP API on one Netty port. Built in two steps because the
 * services need {@link #events()} before the event handlers can be given the services.
 */
public final class RealtimeServer {

    private static final Logger log = LoggerFactory.getLogger(RealtimeServer.class);

    static final String CONTEXT = "/socket.io";
    static final int MAX_PACKET_BYTES = 64 * 1024;
    static final int MAX_PENDING_EVENTS_PER_SOCKET = 64;
    /**
     * How long an Engine.IO session may take from its handshake to its Socket.IO connect ("40")
     * before it is closed (the official server's {@code connectTimeout}, there 45 s).
     * socket.io-client sends "40" as soon as the handshake is answered.
     */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** How often the counts of bad requests are logged (when there were any). */
    static final Duration BAD_REQUEST_REPORTS = Duration.ofMinutes(1);

    /** What the handlers need. */
    public record Services(GuestService guests, MessageService messages, ReactionService reactions,
                           PresenceService presence) {
    }

    private final SocketIOServer server;
    private final ChatRoom room;
    private final ClientChannels channels;
    private final SocketRegistry sockets = new SocketRegistry();
    private final ExecutorService executor;
    private final EngineSessions engineSessions;
    private final ChatMetrics metrics;
    private final BadRequestLog badRequests = new BadRequestLog();
    private final ConnectionLimits connectionLimits;
    private Channel serverChannel;
    private EventDispatcher dispatcher;
    private HandshakeCookieHandler handshakes;

    /**
     * @param maxSocketsPerAddress Engine.IO sessions one client address may hold on this node
     * @param maxSocketsPerNetwork Engine.IO sessions the addresses of one IPv6 /64 may hold together on this node
     * @param connectTimeout how long a session may take from its handshake to its Socket.IO
     *     connect before it is closed ({@link #CONNECT_TIMEOUT} in production)
     * @param connectionLimits what every HTTP connection, and one address's connections together, may hold
     */
    public RealtimeServer(int port, int maxSocketsPerAddress, int maxSocketsPerNetwork, Duration connectTimeout,
                          ExecutorService executor, ChatMetrics metrics, ClusterBus bus, ConnectionLimits connectionLimits) {
        this.executor = executor;
        this.metrics = metrics;
        this.connectionLimits = connectionLimits;
        this.engineSessions = new EngineSessions(new ConnectionLimiter(maxSocketsPerAddress, maxSocketsPerNetwork),
                connectTimeout);
        Configuration config = new Configuration();
        config.setPort(port);
        config.setContext(CONTEXT);
        config.setTransports(Transport.WEBSOCKET, Transport.POLLING);
        // Linux's own epoll where the native library loads (elsewhere Java NIO), and one event
        // loop per core: more loops than cores only add context switches under fan-out.
        config.setUseLinuxNativeEpoll(Epoll.isAvailable());
        config.setWorkerThreads(Runtime.getRuntime().availableProcessors());
        // Compression made fan-out about ten times slower; chat frames are small anyway.
        config.setWebsocketCompression(false);
        config.setHttpCompression(false);
        // Acks are sent by the dispatcher once the handler has finished on its own thread.
        config.setAckMode(AckMode.MANUAL);
        // Never let a client pick its session id through the "io" cookie.
        config.setRandomSession(true);
        ChatJsonSupport json = new ChatJsonSupport();
        config.setJsonSupport(json);
        config.setMaxFramePayloadLength(MAX_PACKET_BYTES);
        config.setMaxHttpContentLength(MAX_PACKET_BYTES);
        config.setAddVersionHeader(false);
        // Socket.IO v4's own defaults, so a dead peer is noticed within 45 s.
        config.setPingInterval(25_000);
        config.setPingTimeout(20_000);
        config.setExceptionListener(new QuietExceptionListener(badRequests));
        config.setAuthorizationListener(data -> {
            String guestId = data.getHttpHeaders().get(HandshakeCookieHandler.TRUSTED_GUEST_HEADER);
            String address = data.getHttpHeaders().get(HandshakeCookieHandler.TRUSTED_ADDRESS_HEADER);
            return guestId == null || address == null ? AuthorizationResult.FAILED_AUTHORIZATION
                    : new AuthorizationResult(true, Map.of(SocketContext.GUEST_ID, guestId, SocketContext.ADDRESS, address));
        });
        SocketConfig socketConfig = new SocketConfig();
        socketConfig.setReuseAddress(true);
        socketConfig.setTcpNoDelay(true);
        config.setSocketConfig(socketConfig);
        this.server = new SocketIOServer(config);
        LibraryWorkarounds.stopDefaultScheduler(server);
        this.channels = ClientChannels.create();
        this.room = new ChatRoom(new RoomBroadcaster(server, json, channels, metrics, executor), metrics, bus);
        metrics.gauge("owc.sockets", "Connected Socket.IO sockets on this node", sockets::size);
    }

    /** Where the message service announces new messages. */
    public MessageEvents messageEvents() {
        return room;
    }

    /** Where the reaction service announces changed reactions. */
    public ReactionEvents reactionEvents() {
        return room;
    }

    /** Where the presence service announces changed counts. */
    public PresenceEvents presenceEvents() {
        return room;
    }

    public void start(Services services, HttpRouter router, GuestCookie cookie, OriginPolicy origins,
                      ClientAddress addresses) {
        Map<ClientEvent, EventHandler> handlers = Map.of(
                ClientEvent.JOIN_CHAT, new JoinChatHandler(services.guests(), services.messages(), services.presence()),
                ClientEvent.SET_USERNAME, new SetUsernameHandler(services.guests(), services.presence()),
                ClientEvent.SEND_MESSAGE, new SendMessageHandler(services.messages()),
                ClientEvent.SEND_REACTION, new SendReactionHandler(services.reactions()));
        EventDispatcher dispatcher = new EventDispatcher(handlers, sockets, metrics);
        this.dispatcher = dispatcher;
        for (ClientEvent event : ClientEvent.values()) {
            server.addEventListener(event.wireName(), IncomingEvent.class,
                    (client, data, ack) -> dispatcher.dispatch(client, data, ack));
        }
        server.addEventListener(ChatJsonSupport.UNRECOGNIZED, IncomingEvent.class,
                (client, data, ack) -> dispatcher.dispatch(client, data, ack));
        // netty-socketio connects a session to the namespace at its first polling GET or its
        // websocket handshake, or at its "40" if neither came first.
        server.addConnectListener(client -> {
            if (!engineSessions.socketConnected(client)) {
                return;
            }
            sockets.add(client, new SocketContext(client, guestOf(client), HandshakeCookieHandler.addressOf(client),
                    executor, MAX_PENDING_EVENTS_PER_SOCKET));
            LibraryWorkarounds.forgetHandshakeDetails(client.getHandshakeData());
        });
        server.addDisconnectListener(client -> {
            SocketContext socket = sockets.remove(client);
            try {
                if (socket != null) {
                    socket.markClosed(); // before leaving: a JOIN_CHAT still running sees it (JoinChatHandler)
                    services.presence().leave(socket.socketId());
                    keepAlive(services.guests(), socket);
                }
            } finally {
                engineSessions.socketDisconnected(client);
            }
        });
        this.handshakes = new HandshakeCookieHandler(cookie, CONTEXT + "/", origins, addresses, engineSessions, router,
                badRequests);
        server.setPipelineFactory(new ChatChannelInitializer(router, addresses, cookie, handshakes,
                engineSessions, new ReadThrottle(sockets), badRequests, CONTEXT + "/", connectionLimits, metrics));
        // Awaited, not synced: sync rethrows a failed bind's IOException unchecked and undeclared,
        // past the caller's cleanup, and the event loops left running then keep the JVM alive.
        ChannelFuture bound = (ChannelFuture) server.startAsync().awaitUninterruptibly();
        if (!bound.isSuccess()) {
            server.stop();
            throw new IllegalStateException(ErrorMapper.rootMessage(bound.cause()), bound.cause());
        }
        serverChannel = bound.channel();
        long every = BAD_REQUEST_REPORTS.toMillis();
        serverChannel.eventLoop().scheduleAtFixedRate(badRequests::report, every, every, TimeUnit.MILLISECONDS);
        log.atInfo().addKeyValue("port", port()).addKeyValue("transport", Epoll.isAvailable() ? "epoll" : "nio")
                .log("listening");
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** Number of connected sockets on this node. */
    public int connectedSockets() {
        return sockets.size();
    }

    /**
     * First step of a graceful stop: no new connections, no new session over a connection still
     * open (an HTTP keep-alive one), and every new event on the open sockets is refused with
     * {@code SERVICE_UNAVAILABLE} ("The server is shutting down"); the events accepted before
     * still run and are answered.
     */
    public void stopAccepting() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        if (handshakes != null) {
            handshakes.stopTaking();
        }
        if (dispatcher != null) {
            dispatcher.stopTaking();
        }
    }

    /** Socket.IO events this node accepted and has not answered yet. */
    public long eventsInFlight() {
        return dispatcher == null ? 0 : dispatcher.unanswered();
    }

    /**
     * Waits, at most {@code within}, until every accepted event has been answered; returns those
     * still unanswered. The executors a stop waits for run most answers, but an answer that goes out
     * on the thread that completed its write can still be on its way when they are done: the
     * connections must not close under it.
     */
    public long awaitAnswered(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (eventsInFlight() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return eventsInFlight();
    }

    /**
     * Closes every connection and the event loops. The sockets' connections are closed first, at
     * once: the library would keep them open through its event loops' quiet periods (about 4 s),
     * answering nothing but refusals, while their clients could already be on another node.
     */
    public void stop() {
        for (SocketIOClient client : server.getAllClients()) {
            channels.open(client).forEach(Channel::close);
        }
        server.stop();
        badRequests.report();
    }

    /**
     * Leaving the chat counts as activity: a reader who kept a tab open for days, sending nothing,
     * is marked active when the tab closes, so the retention job (guests inactive for 30 days)
     * keeps them. Runs off the event loop, which never blocks on SQL; a socket that never joined
     * the chat did nothing worth recording.
     */
    private void keepAlive(GuestService guests, SocketContext socket) {
        if (!socket.joined()) {
            return;
        }
        try {
            executor.execute(() -> {
                try {
                    guests.touch(socket.guestId());
                } catch (RuntimeException e) {
                    log.atWarn().addKeyValue("guestId", socket.guestId()).addKeyValue("error", e.toString())
                            .log("last activity not recorded");
                }
            });
        } catch (RejectedExecutionException stopping) {
            // The server is stopping and closes its last sockets; their clients rejoin elsewhere,
            // which counts as activity there.
        }
    }

    private static UUID guestOf(SocketIOClient client) {
        Object value = client.get(SocketContext.GUEST_ID);
        return UUID.fromString(String.valueOf(value));
    }
}
