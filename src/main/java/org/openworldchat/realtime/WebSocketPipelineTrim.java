package org.openworldchat.realtime;

import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.messages.PacketsMessage;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import java.util.List;

/**
 * Drops the handlers that only ever see HTTP requests from a channel once it speaks websocket.
 *
 * <p>Every channel starts as HTTP, so its pipeline carries the API router, the handshake cookie
 * writer and the library's authorization, polling and wrong-URL handlers. After the websocket
 * handshake no HTTP request can arrive on that channel again, yet those handlers stay for as
 * long as the socket is open; on a node holding tens of thousands of idle sockets they are a
 * noticeable part of each socket's memory. The first websocket packet proves the handshake is
 * over: they are removed then, and this handler with them.
 */
@Sharable
final class WebSocketPipelineTrim extends ChannelInboundHandlerAdapter {

    private final List<String> httpOnlyHandlers;

    /** @param httpOnlyHandlers names of the pipeline's handlers that serve HTTP requests only */
    WebSocketPipelineTrim(List<String> httpOnlyHandlers) {
        this.httpOnlyHandlers = List.copyOf(httpOnlyHandlers);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof PacketsMessage packets && packets.getTransport() == Transport.WEBSOCKET) {
            ChannelPipeline pipeline = ctx.pipeline();
            for (String name : httpOnlyHandlers) {
                if (pipeline.context(name) != null) {
                    pipeline.remove(name);
                }
            }
            pipeline.remove(this);
        }
        super.channelRead(ctx, msg);
    }
}
