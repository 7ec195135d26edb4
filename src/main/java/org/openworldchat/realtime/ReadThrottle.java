package org.openworldchat.realtime;

import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.messages.PacketsMessage;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Backpressure for a websocket that sends faster than its events are answered: once its backlog
 * reaches {@link #PAUSE_AT}, the server stops reading from that connection until the backlog has
 * drained. The sender's own TCP window then slows it down, at no cost to the server or to other
 * sockets, instead of its events being refused one by one (or piling up in memory).
 */
@Sharable
final class ReadThrottle extends ChannelInboundHandlerAdapter {

    static final int PAUSE_AT = RealtimeServer.MAX_PENDING_EVENTS_PER_SOCKET / 2;

    private final SocketRegistry sockets;

    ReadThrottle(SocketRegistry sockets) {
        this.sockets = sockets;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        super.channelRead(ctx, msg);
        if (msg instanceof PacketsMessage packets && packets.getTransport() == Transport.WEBSOCKET) {
            SocketContext socket = sockets.get(packets.getClient().getSessionId());
            if (socket != null && socket.backlog() >= PAUSE_AT && ctx.channel().config().isAutoRead()) {
                Channel channel = ctx.channel();
                channel.config().setAutoRead(false);
                socket.whenDrained(() -> channel.eventLoop().execute(() -> channel.config().setAutoRead(true)));
            }
        }
    }
}
