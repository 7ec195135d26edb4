package org.openworldchat.realtime;

import com.corundumstudio.socketio.scheduler.CancelableScheduler;
import com.corundumstudio.socketio.scheduler.SchedulerKey;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * netty-socketio closes a connection that has not sent a request within 5 s of opening (its
 * first-data timeout), and only its own handlers cancel that timer, which never see the requests
 * the HTTP API takes: an upload that took longer than 5 s (a phone photo on a slow uplink) was cut
 * off, and so was a kept-alive connection's next request after 5 s. At a connection's first
 * request this cancels the timer, and the connection is closed instead once it has been idle
 * (neither a byte read nor one written) for {@link #IDLE}; a websocket drops that rule with the
 * other HTTP-only handlers, since pings keep it busy and the library watches them.
 */
@Sharable
final class FirstRequestHandler extends ChannelInboundHandlerAdapter {

    static final String IDLE_HANDLER = "owcHttpIdle";
    static final Duration IDLE = Duration.ofSeconds(60);

    private final CancelableScheduler libraryTimers;
    private final String after;

    /** @param after the handler the idle rule goes behind, on the socket side of the pipeline */
    FirstRequestHandler(CancelableScheduler libraryTimers, String after) {
        this.libraryTimers = libraryTimers;
        this.after = after;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            libraryTimers.cancel(new SchedulerKey(SchedulerKey.Type.PING_TIMEOUT, ctx.channel()));
            ctx.pipeline().addAfter(after, IDLE_HANDLER, new IdleClose());
            ctx.pipeline().remove(this);
        }
        ctx.fireChannelRead(msg);
    }

    private static final class IdleClose extends IdleStateHandler {
        IdleClose() {
            super(true, 0, 0, IDLE.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent idle) {
            ctx.close();
        }
    }
}
