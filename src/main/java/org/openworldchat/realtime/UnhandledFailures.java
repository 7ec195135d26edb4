package org.openworldchat.realtime;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import org.openworldchat.logging.BadRequestLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last in every connection's pipeline. The library's transports throw on some malformed query
 * parameters ({@code j=x}, {@code b64=x}), and nothing behind them handled that: Netty logged
 * each such exception with its message, which quoted what the client sent, control characters
 * included, and the connection stayed open without an answer. Here it is counted as undecodable
 * input and the connection is closed.
 */
@Sharable
final class UnhandledFailures extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(UnhandledFailures.class);

    private final BadRequestLog badRequests;

    UnhandledFailures(BadRequestLog badRequests) {
        this.badRequests = badRequests;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof IOException)) {
            badRequests.count(BadRequestLog.Kind.UNDECODABLE);
            log.atDebug().addKeyValue("error", cause.getClass().getName()).log("unhandled failure; closing the connection");
        }
        ctx.close();
    }
}
