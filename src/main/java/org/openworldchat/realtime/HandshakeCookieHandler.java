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
import org.openworldchat.http.GuestCookie;

/**
 * Gives every Socket.IO handshake a guest. A request with a valid {@code owc_guest} cookie keeps
 * its guest; any other gets a new guest, whose cookie is added to the handshake's response (the
 * polling 200 or the websocket 101: netty-socketio has no API for response headers). The guest id
 * travels to the authorization listener in a request header that clients cannot set, because
 * this handler removes it from every incoming request first.
 */
@Sharable
final class HandshakeCookieHandler extends ChannelDuplexHandler {

    static final String TRUSTED_GUEST_HEADER = "x-owc-verified-guest";
    private static final AttributeKey<String> PENDING_COOKIE = AttributeKey.valueOf("owc.pendingCookie");

    private final GuestCookie cookie;
    private final String handshakePath;

    HandshakeCookieHandler(GuestCookie cookie, String handshakePath) {
        this.cookie = cookie;
        this.handshakePath = handshakePath;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpRequest request) {
            request.headers().remove(TRUSTED_GUEST_HEADER);
            if (isHandshake(request)) {
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
        }
        super.write(ctx, msg, promise);
    }

    private boolean isHandshake(HttpRequest request) {
        QueryStringDecoder query = new QueryStringDecoder(request.uri());
        return query.path().equals(handshakePath) && !query.parameters().containsKey("sid");
    }
}
