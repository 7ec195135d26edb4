package org.openworldchat.realtime;

import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.messages.PacketsMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import org.openworldchat.logging.BadRequestLog;

/**
 * Socket.IO binary packets are not part of the contract, and netty-socketio keeps every attachment
 * a binary packet announces, without bound, until as many have come as the packet's header claims
 * (which the client chooses): four sockets sending 60 KiB frames took the heap from 348 MB to
 * 2.9 GB in 15 s. So a payload with a binary event or ack ({@code 45…}, {@code 46…}), an Engine.IO
 * binary packet ({@code b…}), an older Engine.IO binary payload or a binary websocket frame ends
 * its session and closes its connection before the library sees it, websocket and polling alike.
 * Should the library still be left waiting for attachments after a payload in a framing this does
 * not read (older Engine.IO's length prefixes), the same happens right after that payload, before
 * the next one is read.
 */
@Sharable
final class BinaryPacketGuard extends ChannelInboundHandlerAdapter {

    private static final byte RECORD_SEPARATOR = 0x1e;

    private final EngineSessions sessions;
    private final BadRequestLog badRequests;

    BinaryPacketGuard(EngineSessions sessions, BadRequestLog badRequests) {
        this.sessions = sessions;
        this.badRequests = badRequests;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof BinaryWebSocketFrame frame) {
            frame.release();
            refuse(ctx, sessions.sessionOn(ctx.channel()));
            return;
        }
        if (!(msg instanceof PacketsMessage packets)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ClientHead session = packets.getClient();
        // The transport that made the message releases its content once this returns.
        if (isBinary(packets.getContent())) {
            refuse(ctx, session);
            return;
        }
        ctx.fireChannelRead(msg);
        if (session.getLastBinaryPacket() != null) {
            session.setLastBinaryPacket(null);
            refuse(ctx, session);
        }
    }

    private void refuse(ChannelHandlerContext ctx, ClientHead session) {
        badRequests.count(BadRequestLog.Kind.BINARY_PACKET);
        if (session != null) {
            sessions.end(session);
        }
        ctx.close();
    }

    /**
     * Whether a payload holds anything binary: an Engine.IO v4 packet (at the start or after a
     * record separator) that is a binary packet or a Socket.IO binary event or ack, or an Engine.IO
     * v3 binary payload (its first byte 0 or 1).
     */
    static boolean isBinary(ByteBuf content) {
        int end = content.writerIndex();
        int i = content.readerIndex();
        if (i < end && (content.getByte(i) == 0 || content.getByte(i) == 1)) {
            return true;
        }
        while (i < end) {
            byte type = content.getByte(i);
            if (type == 'b') {
                return true;
            }
            if (type == '4' && i + 1 < end && (content.getByte(i + 1) == '5' || content.getByte(i + 1) == '6')) {
                return true;
            }
            int separator = content.indexOf(i, end, RECORD_SEPARATOR);
            if (separator < 0) {
                return false;
            }
            i = separator + 1;
        }
        return false;
    }
}
