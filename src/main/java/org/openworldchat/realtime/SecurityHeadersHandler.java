package org.openworldchat.realtime;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import org.openworldchat.http.SecurityHeaders;

/**
 * Gives every HTTP response the security headers of every other response of the server, whoever
 * wrote it: the library, the Socket.IO door, or the library's HTTP aggregator, whose 413 for an
 * oversized polling POST is written from the aggregator's own place in the pipeline and passes
 * only the handlers between it and the socket. Sits right behind the response encoder for that
 * reason.
 */
@Sharable
final class SecurityHeadersHandler extends ChannelOutboundHandlerAdapter {

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response) {
            SecurityHeaders.apply(response.headers());
        }
        ctx.write(msg, promise);
    }
}
