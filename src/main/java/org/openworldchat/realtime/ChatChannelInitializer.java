package org.openworldchat.realtime;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIOChannelInitializer;
import com.corundumstudio.socketio.namespace.NamespacesHub;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpResponseEncoder;
import java.util.List;
import java.util.function.Supplier;
import org.openworldchat.http.ClientAddress;
import org.openworldchat.http.ConnectionLimits;
import org.openworldchat.http.GuestCookie;
import org.openworldchat.http.HttpEntryHandler;
import org.openworldchat.http.HttpRouter;
import org.openworldchat.logging.BadRequestLog;
import org.openworldchat.metrics.ChatMetrics;

/**
 * netty-socketio's pipeline plus ours: a request decoder that holds requests to a pace, HTTP/1.1's
 * order of answers, the per-address connection cap, the HTTP API right after the request decoder
 * (so its bodies stream instead of being aggregated), the guest cookie and the per-address limit
 * on the handshake, the session owner's check on every later request, the connect timeout of
 * Engine.IO sessions, the refusal of binary packets, the security headers on every response, and a
 * last handler for the failures no other one handled.
 */
final class ChatChannelInitializer extends SocketIOChannelInitializer {

    /**
     * Most bytes one read of a connection takes in. Everything one read brings is decoded and
     * dispatched before the event loop moves on, and the read throttle can only pause a socket
     * after that: with Netty's default of up to 64 KiB, one read of a flooding socket carried
     * about 250 events, and a flood from 40 sockets kept each event loop in a single pass over
     * its ready connections for 0.4-1 s, so a new connection (a health probe, a handshake) waited
     * 1-3.6 s for its first read. With 8 KiB (a few dozen chat packets, far more than a person
     * sends at once) the same flood left it 0.2-0.8 s.
     */
    static final int MAX_READ_BYTES = 8 * 1024;
    private static final String SLOW_CONSUMERS = "owcSlowConsumers";
    private static final String SECURITY_HEADERS = "owcSecurityHeaders";
    private static final String SESSION_CLAIM = "owcSessionClaim";
    private static final String CONNECTION_CAP = "owcConnectionCap";

    /** Keeps its per-read state in each channel's own handle, so every connection shares it. */
    private final RecvByteBufAllocator reads = new AdaptiveRecvByteBufAllocator(64, 2048, MAX_READ_BYTES);

    private final HttpRouter router;
    private final ClientAddress addresses;
    private final HandshakeCookieHandler handshakeCookies;
    private final String socketIoPath;
    private final UpgradeFlushHandler upgradeFlush = new UpgradeFlushHandler();
    private final SlowConsumerGuard slowConsumers = new SlowConsumerGuard();
    private final SecurityHeadersHandler securityHeaders = new SecurityHeadersHandler();
    private final WebSocketPipelineTrim pipelineTrim = new WebSocketPipelineTrim(List.of(
            "owcHttp", "owcHandshake", "owcSessionIds", SECURITY_HEADERS, SESSION_CLAIM, CONNECTION_CAP,
            FirstRequestHandler.IDLE_HANDLER, AUTHORIZE_HANDLER, XHR_POLLING_TRANSPORT, RESOURCE_HANDLER, WRONG_URL_HANDLER));

    private final ReadThrottle readThrottle;
    private final SessionIdCheck sessionIds;
    private final FirstRequestHandler firstRequest;
    private final EngineSessions.Claim sessionClaim;
    private final EngineSessions.ConnectWatch connectWatch;
    private final BinaryPacketGuard binaryPackets;
    private final UnhandledFailures unhandledFailures;
    private final ConnectionLimits limits;
    private final ChatMetrics metrics;
    private final ConnectionCap connectionCap;
    private final Supplier<HttpEntryHandler> httpEntries;
    private HttpDecoderConfig decoderConfig;

    ChatChannelInitializer(HttpRouter router, ClientAddress addresses, GuestCookie cookie,
                           HandshakeCookieHandler handshakeCookies, EngineSessions engineSessions,
                           ReadThrottle readThrottle, BadRequestLog badRequests, String socketIoPath,
                           ConnectionLimits limits, ChatMetrics metrics) {
        this.router = router;
        this.addresses = addresses;
        this.readThrottle = readThrottle;
        this.handshakeCookies = handshakeCookies;
        this.socketIoPath = socketIoPath;
        this.limits = limits;
        this.metrics = metrics;
        this.connectionCap = new ConnectionCap(limits, addresses, router, metrics);
        this.httpEntries = HttpEntryHandler.perConnection(router, socketIoPath, addresses, limits, metrics);
        this.sessionIds = new SessionIdCheck(socketIoPath, LibraryWorkarounds.sessions(this), engineSessions, cookie,
                addresses, badRequests);
        this.binaryPackets = new BinaryPacketGuard(engineSessions, badRequests);
        this.unhandledFailures = new UnhandledFailures(badRequests);
        this.firstRequest = new FirstRequestHandler(LibraryWorkarounds.timers(this), SLOW_CONSUMERS, limits.idleTimeout());
        engineSessions.useLibraryTable(LibraryWorkarounds.sessions(this));
        this.sessionClaim = engineSessions.claim();
        this.connectWatch = engineSessions.connectWatch();
    }

    @Override
    public void start(Configuration configuration, NamespacesHub namespacesHub) {
        super.start(configuration, namespacesHub);
        this.decoderConfig = configuration.getHttpDecoderConfig();
        LibraryWorkarounds.keepPacketsPastThePollingLimit(this, configuration);
    }

    @Override
    protected void addSocketioHandlers(ChannelPipeline pipeline) {
        super.addSocketioHandlers(pipeline);
        pipeline.channel().config().setRecvByteBufAllocator(reads);
        pipeline.replace(HTTP_REQUEST_DECODER, HTTP_REQUEST_DECODER, new TimedRequestDecoder(decoderConfig, limits, metrics));
        // The library adds the response encoder after the aggregator, so the 413 the aggregator
        // writes for an oversized polling POST never gets encoded and the peer sees a bare close.
        // Next to the decoder it encodes every response, whoever writes it.
        pipeline.remove(HTTP_ENCODER);
        pipeline.addAfter(HTTP_REQUEST_DECODER, HTTP_ENCODER, new HttpResponseEncoder());
        pipeline.addFirst(SLOW_CONSUMERS, slowConsumers);
        pipeline.addAfter(HTTP_REQUEST_DECODER, "owcFirstRequest", firstRequest);
        pipeline.addAfter(HTTP_ENCODER, "owcHttp", httpEntries.get());
        // Between the encoder and the aggregator, so it also sees the aggregator's 413.
        pipeline.addAfter(HTTP_ENCODER, SECURITY_HEADERS, securityHeaders);
        // In front of everything that reads requests or writes answers: requests go on one at a
        // time, answers come back through it (the cap's 429 included), in order.
        pipeline.addAfter(HTTP_ENCODER, CONNECTION_CAP, connectionCap);
        pipeline.addAfter(HTTP_ENCODER, "owcExchanges", new HttpExchanges());
        pipeline.addAfter(HTTP_AGGREGATOR, "owcHandshake", handshakeCookies);
        pipeline.addAfter("owcHandshake", "owcSessionIds", sessionIds);
        // Gets the handshake once the library's authorization has made a session of it, before
        // the transport handlers connect that session.
        pipeline.addAfter(AUTHORIZE_HANDLER, SESSION_CLAIM, sessionClaim);
        // Sees the raw websocket frames and every payload before the library decodes any of it.
        pipeline.addBefore(PACKET_HANDLER, "owcBinaryPackets", binaryPackets);
        // Sees the polling GETs and the decoded websocket packets before the library handles them.
        pipeline.addBefore(PACKET_HANDLER, "owcConnectWatch", connectWatch);
        pipeline.addBefore(PACKET_HANDLER, "owcUpgradeFlush", upgradeFlush);
        pipeline.addBefore(PACKET_HANDLER, "owcReadThrottle", readThrottle);
        pipeline.addBefore(PACKET_HANDLER, "owcPipelineTrim", pipelineTrim);
        pipeline.addLast("owcUnhandledFailures", unhandledFailures);
    }
}
