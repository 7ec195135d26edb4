package org.openworldchat.realtime;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The channels of one event loop written since its last flush. The first write schedules one
 * flush task on the loop; broadcasts already queued behind it write first, so under load several
 * messages reach a socket in one system call instead of one call each, and when idle the flush
 * follows at once. Touched only on its own loop.
 */
final class PendingFlushes {

    private final EventLoop loop;
    private final Set<Channel> written = new LinkedHashSet<>();
    private boolean scheduled;

    PendingFlushes(EventLoop loop) {
        this.loop = loop;
    }

    /** On the loop: {@code channel} was written to and must be flushed. */
    void add(Channel channel) {
        written.add(channel);
        if (!scheduled) {
            scheduled = true;
            loop.execute(this::flushAll);
        }
    }

    private void flushAll() {
        scheduled = false;
        for (Channel channel : written) {
            ChannelHandlerContext socketEnd = channel.pipeline().firstContext();
            if (socketEnd != null) {
                socketEnd.flush();
            }
        }
        written.clear();
    }
}
