package org.openworldchat.realtime;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds what the server holds for a client that does not read. Netty keeps every write a peer
 * has not taken yet; a socket whose reader stalled would otherwise grow the server's memory with
 * every broadcast. Past {@link #MAX_PENDING_BYTES} the connection is closed: the client
 * reconnects when it can and catches up with {@code JOIN_CHAT {since}}. It sits first in the
 * pipeline, next to the socket, so it sees every write whoever makes it; the broadcaster, which
 * writes there directly, asks {@link #refuses} itself.
 */
@Sharable
final class SlowConsumerGuard extends ChannelDuplexHandler {

    private static final Logger log = LoggerFactory.getLogger(SlowConsumerGuard.class);
    static final long MAX_PENDING_BYTES = 4L * 1024 * 1024;

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (refuses(ctx.channel())) {
            ReferenceCountUtil.release(msg);
            promise.setFailure(new IOException("slow consumer"));
            return;
        }
        super.write(ctx, msg, promise);
    }

    /** True, and the connection is being closed, when its client has left too much output unread. */
    static boolean refuses(Channel channel) {
        ChannelOutboundBuffer pending = channel.unsafe().outboundBuffer();
        if (pending == null || pending.totalPendingWriteBytes() <= MAX_PENDING_BYTES || !channel.isActive()) {
            return false;
        }
        log.atInfo().addKeyValue("pendingBytes", pending.totalPendingWriteBytes())
                .log("closing a connection whose client stopped reading");
        channel.close();
        return true;
    }
}
