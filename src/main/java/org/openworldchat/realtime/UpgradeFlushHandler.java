package org.openworldchat.realtime;

import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.messages.PacketsMessage;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketType;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the polling → websocket upgrade from stalling, around two gaps in netty-socketio.
 *
 * <ol>
 * <li>While it upgrades, a client may send one more long-poll GET after the server answered
 * the first with the no-op that releases it. netty-socketio holds that GET until the next packet
 * (the ping, 25 s later), and the client will not finish the upgrade, nor send anything, before
 * the GET returns: its events wait 25 s. We answer every long poll of an upgrading client at once
 * with a no-op, as Engine.IO servers do.</li>
 * <li>On the upgrade packet the library flushes the queue to the websocket and only then marks
 * websocket as current; a packet sent from another thread in between is queued for polling and
 * stranded until the next packet. We flush again right after the upgrade, and once more a moment
 * later for a sender that was preempted inside that window.</li>
 * </ol>
 */
@Sharable
final class UpgradeFlushHandler extends ChannelInboundHandlerAdapter {

    private static final long SECOND_FLUSH_MS = 100;
    private static final int MAX_TRACKED = 100_000;

    /** Clients that answered a websocket probe and have not sent the upgrade packet yet. */
    private final Map<UUID, ClientHead> upgrading = new ConcurrentHashMap<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof PacketsMessage packets && packets.getTransport() == Transport.WEBSOCKET) {
            onWebsocketPacket(ctx, packets);
        } else if (msg instanceof FullHttpRequest request && HttpMethod.GET.equals(request.method())) {
            UUID sid = pollingSession(request);
            super.channelRead(ctx, msg);
            ClientHead client = sid == null ? null : upgrading.get(sid);
            if (client != null && client.isConnected()) {
                client.send(noop(client), Transport.POLLING);
            }
        } else {
            super.channelRead(ctx, msg);
        }
    }

    private void onWebsocketPacket(ChannelHandlerContext ctx, PacketsMessage packets) throws Exception {
        String start = head(packets.getContent());
        ClientHead client = packets.getClient();
        if (start.startsWith("2probe") && upgrading.size() < MAX_TRACKED) {
            upgrading.put(client.getSessionId(), client);
        }
        boolean upgrade = start.startsWith("5");
        super.channelRead(ctx, packets);
        if (upgrade) {
            upgrading.remove(client.getSessionId());
            flush(client);
            ctx.channel().eventLoop().schedule(() -> flush(client), SECOND_FLUSH_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** The client left (or never finished upgrading): stop tracking it. */
    void forget(UUID sessionId) {
        upgrading.remove(sessionId);
    }

    private static UUID pollingSession(FullHttpRequest request) {
        QueryStringDecoder query = new QueryStringDecoder(request.uri());
        List<String> transport = query.parameters().get("transport");
        List<String> sid = query.parameters().get("sid");
        if (transport == null || sid == null || !"polling".equals(transport.getFirst())) {
            return null;
        }
        try {
            return UUID.fromString(sid.getFirst());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String head(ByteBuf content) {
        int n = Math.min(content.readableBytes(), 6);
        return content.toString(content.readerIndex(), n, StandardCharsets.US_ASCII);
    }

    private static void flush(ClientHead client) {
        if (client.isConnected() && client.getCurrentTransport() == Transport.WEBSOCKET) {
            client.send(noop(client));
        }
    }

    private static Packet noop(ClientHead client) {
        return new Packet(PacketType.NOOP, client.getEngineIOVersion());
    }
}
