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
 * every broadcast. Past {@link #MAX_PENDING_BYTES} or {@link #MAX_PENDING_WRITES} the connection
 * is closed: the client reconnects when it can and catches up with {@code JOIN_CHAT {since}}. It sits first in the
 * pipeline, next to the socket, so it sees every write whoever makes it; the broadcaster, which
 * writes there directly, asks {@link #refuses} itself.
 */
@Sharable
final class SlowConsumerGuard extends ChannelDuplexHandler {

    private static final Logger log = LoggerFactory.getLogger(SlowConsumerGuard.class);
    static final long MAX_PENDING_BYTES = 4L * 1024 * 1024;
    /**
     * Each write waiting costs about 110 bytes of heap of its own (Netty's entry and the duplicate
     * of a shared broadcast frame), although the frame's bytes are shared by every socket. With
     * chat-sized frames the byte cap alone let about 7,700 of them, 0.9 MB of heap, pile up per
     * connection: 180 MB for 200 stalled clients in a 256 MB heap. 2,048 keep it near 0.2 MB.
     */
    static final int MAX_PENDING_WRITES = 2_048;

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
        if (pending == null || !channel.isActive()
                || pending.totalPendingWriteBytes() <= MAX_PENDING_BYTES && pending.size() <= MAX_PENDING_WRITES) {
            return false;
        }
        log.atInfo().addKeyValue("pendingBytes", pending.totalPendingWriteBytes()).addKeyValue("pendingWrites", pending.size())
                .log("closing a connection whose client stopped reading");
        channel.close();
        return true;
    }
}
