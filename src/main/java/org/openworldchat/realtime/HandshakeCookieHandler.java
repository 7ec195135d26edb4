package org.openworldchat.realtime;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AttributeKey;
import java.util.UUID;
import io.netty.util.ReferenceCountUtil;
import org.openworldchat.contract.ErrorCode;
import org.openworldchat.http.ClientAddress;
import org.openworldchat.http.GuestCookie;
import org.openworldchat.http.HttpRouter;
import org.openworldchat.http.OriginPolicy;
import org.openworldchat.http.SecurityHeaders;

/**
 * The door to the Socket.IO endpoint, in front of netty-socketio. Every request from a browser
 * origin that is not allowed is refused (403 {@code FORBIDDEN_ORIGIN}), which also stops
 * cross-site websocket hijacking. A handshake from an address that already holds its share of
 * sockets is refused (429 {@code RATE_LIMITED}). Every other handshake gets a guest: a valid
 * {@code owc_guest} cookie keeps its guest; any other gets a new guest, whose cookie is added to
 * the handshake's response (the polling 200 or the websocket 101: netty-socketio has no API for
 * response headers). The guest id and the client address travel to the authorization listener
 * in request headers that clients cannot set, because this handler removes them from every
 * incoming request first. Every response of the endpoint gets the security headers of every
 * other response of the server. A stopping server starts no session: a handshake that comes
 * over a connection still open then is refused (503 {@code SERVICE_UNAVAILABLE}).
 */
@Sharable
final class HandshakeCookieHandler extends ChannelDuplexHandler {

    static final String TRUSTED_GUEST_HEADER = "x-owc-verified-guest";
    static final String TRUSTED_ADDRESS_HEADER = "x-owc-client-address";
    private static final AttributeKey<String> PENDING_COOKIE = AttributeKey.valueOf("owc.pendingCookie");

    private final GuestCookie cookie;
    private final String handshakePath;
    private final OriginPolicy origins;
    private final ClientAddress addresses;
    private final ConnectionLimiter connections;
    private volatile boolean stopping;

    HandshakeCookieHandler(GuestCookie cookie, String handshakePath, OriginPolicy origins, ClientAddress addresses,
                           ConnectionLimiter connections) {
        this.cookie = cookie;
        this.handshakePath = handshakePath;
        this.origins = origins;
        this.addresses = addresses;
        this.connections = connections;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpRequest request) {
            request.headers().remove(TRUSTED_GUEST_HEADER);
            request.headers().remove(TRUSTED_ADDRESS_HEADER);
            if (!origins.allows(request.headers())) {
                ReferenceCountUtil.release(msg);
                HttpRouter.refuse(ctx.channel(), ErrorCode.FORBIDDEN_ORIGIN, "Connections from this origin are not allowed");
                return;
            }
            if (isHandshake(request)) {
                if (stopping) {
                    ReferenceCountUtil.release(msg);
                    HttpRouter.refuse(ctx.channel(), ErrorCode.SERVICE_UNAVAILABLE, EventDispatcher.SHUTTING_DOWN);
                    return;
                }
                String address = addresses.of(ctx.channel().remoteAddress(), request.headers());
                if (!connections.hasRoom(address)) {
                    ReferenceCountUtil.release(msg);
                    HttpRouter.refuse(ctx.channel(), ErrorCode.RATE_LIMITED, "Too many connections from your address");
                    return;
                }
                request.headers().set(TRUSTED_ADDRESS_HEADER, address);
                UUID guestId = cookie.guestOf(request.headers()).orElseGet(() -> {
                    GuestCookie.Issued issued = cookie.issue();
                    ctx.channel().attr(PENDING_COOKIE).set(issued.setCookieHeader());
                    return issued.guestId();
                });
                request.headers().set(TRUSTED_GUEST_HEADER, guestId.toString());
            }
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse response) {
            String pending = ctx.channel().attr(PENDING_COOKIE).getAndSet(null);
            if (pending != null) {
                response.headers().add(HttpHeaderNames.SET_COOKIE, pending);
            }
            SecurityHeaders.apply(response.headers());
            // The library allows any origin ("*") when a request names none. Only a browser needs
            // CORS headers, and every browser request that reaches the library from another
            // origin names one that is allowed; a request without Origin needs none.
            if ("*".equals(response.headers().get(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN))) {
                response.headers().remove(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN);
            }
        }
        super.write(ctx, msg, promise);
    }

    /** From now on every handshake is refused: the server is stopping. */
    void stopTaking() {
        stopping = true;
    }

    private boolean isHandshake(HttpRequest request) {
        QueryStringDecoder query = new QueryStringDecoder(request.uri());
        return query.path().equals(handshakePath) && !query.parameters().containsKey("sid");
    }
}
