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
 * off, and so was a kept-alive connection's next request after 5 s. This cancels the timer as soon
 * as the library has set it, when the connection opens: {@link TimedRequestDecoder} holds every
 * request, the first included, to its pace instead. At the connection's first request it puts the
 * idle rule in place: the connection is closed once it has been idle (neither a byte read nor one
 * written) for the given time; a websocket drops that rule with the other HTTP-only handlers, since
 * pings keep it busy and the library watches them.
 */
@Sharable
final class FirstRequestHandler extends ChannelInboundHandlerAdapter {

    static final String IDLE_HANDLER = "owcHttpIdle";

    private final CancelableScheduler libraryTimers;
    private final String after;
    private final Duration idle;

    /**
     * @param after the handler the idle rule goes behind, on the socket side of the pipeline
     * @param idle how long a connection may idle between requests
     */
    FirstRequestHandler(CancelableScheduler libraryTimers, String after, Duration idle) {
        this.libraryTimers = libraryTimers;
        this.after = after;
        this.idle = idle;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.fireChannelActive(); // the library sets its timer here
        libraryTimers.cancel(new SchedulerKey(SchedulerKey.Type.PING_TIMEOUT, ctx.channel()));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            ctx.pipeline().addAfter(after, IDLE_HANDLER, new IdleClose(idle));
            ctx.pipeline().remove(this);
        }
        ctx.fireChannelRead(msg);
    }

    private static final class IdleClose extends IdleStateHandler {
        IdleClose(Duration idle) {
            super(true, 0, 0, idle.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent idle) {
            ctx.close();
        }
    }
}
