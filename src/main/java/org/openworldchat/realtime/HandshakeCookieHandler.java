package org.openworldchat.realtime;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import com.corundumstudio.socketio.SocketIOClient;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.openworldchat.contract.ErrorCode;
import org.openworldchat.http.ClientAddress;
import org.openworldchat.http.GuestCookie;
import org.openworldchat.http.HttpRouter;
import org.openworldchat.http.OriginPolicy;
import org.openworldchat.logging.BadRequestLog;
import org.openworldchat.ratelimit.AddressKey;

/**
 * The door to the Socket.IO endpoint, in front of netty-socketio. Every request from a browser
 * origin that is not allowed is refused (403 {@code FORBIDDEN_ORIGIN}), which also stops
 * cross-site websocket hijacking. A method Engine.IO does not use (anything but GET, POST and
 * OPTIONS) is refused (405 {@code METHOD_NOT_ALLOWED}), a path under the endpoint other than the
 * endpoint itself is refused (404 {@code NOT_FOUND}), and a request without a transport Engine.IO
 * knows gets Engine.IO's own {@code 400 Transport unknown}: the library answered these too, but
 * logged each with the path or URL the client chose, and its address. Those are counted instead
 * ({@link BadRequestLog}). A handshake takes one of its address's places on this node
 * ({@link EngineSessions}), or is refused (429 {@code RATE_LIMITED}) when the address (or its IPv6
 * /64) holds all of them. Every other handshake gets a guest: a valid {@code owc_guest} cookie
 * keeps its guest; any other gets a new guest, whose cookie is added to the handshake's response
 * (the polling 200 or the websocket 101: netty-socketio has no API for response headers). The
 * session belongs to that guest, and to the address too when it came without a valid cookie
 * ({@link SessionOwner}). The guest id travels to the authorization listener in a request header
 * that clients cannot set, because this handler removes it from every incoming request first. The
 * library's {@code io} cookie (the session id, readable by scripts) is removed from every answer.
 * The security headers are added nearer the wire, by {@link SecurityHeadersHandler}. A stopping
 * server starts no session: a handshake that comes over a connection still open then is refused
 * (503 {@code SERVICE_UNAVAILABLE}).
 */
@Sharable
final class HandshakeCookieHandler extends ChannelDuplexHandler {

    static final String TRUSTED_GUEST_HEADER = "x-owc-verified-guest";
    /** The keyed hash of the client's address, for the socket's context; stripped from incoming requests like the guest. */
    static final String TRUSTED_ADDRESS_HEADER = "x-owc-verified-address";
    private static final AttributeKey<String> PENDING_COOKIE = AttributeKey.valueOf("owc.pendingCookie");
    /** Set once the connection carried a Socket.IO request: the HTTP API's answers pass here too, and keep their own Connection header. */
    private static final AttributeKey<Boolean> ENGINE_IO = AttributeKey.valueOf("owc.engineIoRequest");
    /** The methods Engine.IO's transports take: polling GETs and POSTs, and CORS preflights. */
    private static final Set<HttpMethod> ENGINE_IO_METHODS = Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.OPTIONS);
    private static final String ALLOWED = "GET, OPTIONS, POST";
    private static final Set<String> TRANSPORTS = Set.of("polling", "websocket");
    /** The library's session cookie: {@code io=<sid>}, without HttpOnly. */
    private static final String LIBRARY_COOKIE = "io=";

    private final GuestCookie cookie;
    private final String handshakePath;
    private final OriginPolicy origins;
    private final ClientAddress addresses;
    private final EngineSessions sessions;
    private final HttpRouter refusals;
    private final BadRequestLog badRequests;
    private volatile boolean stopping;

    HandshakeCookieHandler(GuestCookie cookie, String handshakePath, OriginPolicy origins, ClientAddress addresses,
                           EngineSessions sessions, HttpRouter refusals, BadRequestLog badRequests) {
        this.cookie = cookie;
        this.handshakePath = handshakePath;
        this.origins = origins;
        this.addresses = addresses;
        this.sessions = sessions;
        this.refusals = refusals;
        this.badRequests = badRequests;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!(msg instanceof HttpRequest request)) {
            super.channelRead(ctx, msg);
            return;
        }
        ctx.channel().attr(ENGINE_IO).set(true);
        request.headers().remove(TRUSTED_GUEST_HEADER);
        request.headers().remove(TRUSTED_ADDRESS_HEADER);
        QueryStringDecoder query = new QueryStringDecoder(request.uri());
        if (refused(ctx, request, query)) {
            ReferenceCountUtil.release(msg);
        } else if (query.parameters().containsKey("sid")) {
            super.channelRead(ctx, msg);
        } else {
            handshake(ctx, request);
        }
    }

    /** Answers a request that no session may see (and counts the bad ones); false for the rest. */
    private boolean refused(ChannelHandlerContext ctx, HttpRequest request, QueryStringDecoder query) {
        if (!origins.allows(request.headers())) {
            refusals.refuse(ctx.channel(), ErrorCode.FORBIDDEN_ORIGIN, "Connections from this origin are not allowed");
        } else if (!ENGINE_IO_METHODS.contains(request.method())) {
            // The library answers any other method with a bare 500 (after opening a session for
            // it when it is a handshake).
            refusals.refuseMethod(ctx.channel(), ALLOWED);
        } else if (!query.path().equals(handshakePath)) {
            badRequests.count(BadRequestLog.Kind.WRONG_PATH);
            refusals.refuse(ctx.channel(), ErrorCode.NOT_FOUND, "Not found");
        } else if (!TRANSPORTS.contains(first(query, "transport"))) {
            badRequests.count(BadRequestLog.Kind.UNKNOWN_TRANSPORT);
            EngineIoError.transportUnknown(ctx.channel());
        } else if (stopping && !query.parameters().containsKey("sid")) {
            refusals.refuse(ctx.channel(), ErrorCode.SERVICE_UNAVAILABLE, EventDispatcher.SHUTTING_DOWN);
        } else {
            return false;
        }
        return true;
    }

    /** A new session: a place of its address, its guest, then the library makes the session of it. */
    private void handshake(ChannelHandlerContext ctx, HttpRequest request) throws Exception {
        AddressKey address = addresses.of(ctx.channel().remoteAddress(), request.headers());
        Optional<UUID> known = cookie.guestOf(request.headers());
        GuestCookie.Issued issued = known.isPresent() ? null : cookie.issue();
        UUID guestId = issued == null ? known.get() : issued.guestId();
        if (!sessions.reserve(ctx.channel(), new SessionOwner(guestId, known.isPresent(), address))) {
            ReferenceCountUtil.release(request);
            refusals.refuse(ctx.channel(), ErrorCode.RATE_LIMITED, "Too many connections from your address");
            return;
        }
        try {
            if (issued != null) {
                ctx.channel().attr(PENDING_COOKIE).set(issued.setCookieHeader());
            }
            request.headers().set(TRUSTED_GUEST_HEADER, guestId.toString());
            request.headers().set(TRUSTED_ADDRESS_HEADER, address.host() + address.network().map(n -> " " + n).orElse(""));
            super.channelRead(ctx, request); // the library makes its session of it here, or refuses it
        } finally {
            sessions.handshakeDone(ctx.channel());
        }
    }

    /** A query parameter's first value; empty when the query has none. */
    private static String first(QueryStringDecoder query, String name) {
        List<String> values = query.parameters().get(name);
        return values == null ? "" : values.getFirst();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse response) {
            List<String> cookies = response.headers().getAll(HttpHeaderNames.SET_COOKIE);
            if (cookies.stream().anyMatch(c -> c.startsWith(LIBRARY_COOKIE))) {
                response.headers().remove(HttpHeaderNames.SET_COOKIE);
                cookies.stream().filter(c -> !c.startsWith(LIBRARY_COOKIE))
                        .forEach(c -> response.headers().add(HttpHeaderNames.SET_COOKIE, c));
            }
            String pending = ctx.channel().attr(PENDING_COOKIE).getAndSet(null);
            if (pending != null) {
                response.headers().add(HttpHeaderNames.SET_COOKIE, pending);
            }
            // The library allows any origin ("*") when a request names none. Only a browser needs
            // CORS headers, and every browser request that reaches the library from another
            // origin names one that is allowed; a request without Origin needs none.
            if ("*".equals(response.headers().get(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN))) {
                response.headers().remove(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN);
            }
            if (!HttpResponseStatus.SWITCHING_PROTOCOLS.equals(response.status())
                    && Boolean.TRUE.equals(ctx.channel().attr(ENGINE_IO).get())) {
                // The library closes the connection after every polling answer, yet says
                // "keep-alive": a proxy or client that believed it sent its next request down a
                // closed connection (nginx then retried it on another node, which refused the sid).
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
        }
        super.write(ctx, msg, promise);
    }

    /** From now on every handshake is refused: the server is stopping. */
    void stopTaking() {
        stopping = true;
    }

    /** The address key the handshake put in the session's store (see {@link #TRUSTED_ADDRESS_HEADER}). */
    static AddressKey addressOf(SocketIOClient client) {
        Object stored = client.get(SocketContext.ADDRESS);
        String[] parts = String.valueOf(stored).split(" ", 2);
        return new AddressKey(parts[0], parts.length > 1 ? Optional.of(parts[1]) : Optional.empty());
    }
}
