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

/**
 * Closes two gaps in netty-socketio's polling → websocket upgrade.
 *
 * <ol>
 * <li>The extra long poll. On the websocket probe the library sends "3probe" on the websocket and
 * releases the pending long-poll GET with one noop. The two go out on different connections, so a
 * client may read the noop first: its polling transport is still open then, so it sends another
 * GET before it reads "3probe" and pauses polling, and it sends the upgrade packet, and any event,
 * only once that GET returns. The library holds the GET until the next packet for the client,
 * normally the ping 25 s later: the client's events wait past every ack timeout. (Engine.IO's
 * reference server writes a noop to the polling transport every 100 ms while a client upgrades.)
 * We answer every long poll of an upgrading client at once with a noop.</li>
 * <li>The queue hand-over. On the upgrade packet the library hands the polling queue to the
 * websocket and flushes it, and only then marks websocket as current; a packet sent from another
 * thread in between lands in that queue with no request to carry it, until the next packet. We
 * flush once more after the upgrade.</li>
 * </ol>
 */
@Sharable
final class UpgradeFlushHandler extends ChannelInboundHandlerAdapter {

    /** Clients between their websocket probe and their upgrade packet, by session id. */
    private final Map<UUID, ClientHead> upgrading = new ConcurrentHashMap<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof PacketsMessage packets && packets.getTransport() == Transport.WEBSOCKET) {
            onWebsocketPacket(ctx, packets);
        } else if (msg instanceof FullHttpRequest request && HttpMethod.GET.equals(request.method())) {
            UUID sid = pollingSession(request); // read now: the transport releases the request
            super.channelRead(ctx, msg); // binds the GET and sends whatever is queued
            ClientHead client = sid == null ? null : upgrading.get(sid);
            if (client != null && client.isConnected()) {
                client.send(noop(client), Transport.POLLING); // queued if the GET already got packets
            }
        } else {
            super.channelRead(ctx, msg);
        }
    }

    private void onWebsocketPacket(ChannelHandlerContext ctx, PacketsMessage packets) throws Exception {
        ClientHead client = packets.getClient();
        UUID sid = client.getSessionId();
        String start = head(packets.getContent());
        if (start.equals("2probe") && upgrading.put(sid, client) == null) {
            // Registered before the library answers the probe, so the GET that its noop may
            // trigger finds it. Forgotten on the upgrade packet or when this websocket closes.
            ctx.channel().closeFuture().addListener(f -> upgrading.remove(sid, client));
        }
        boolean upgrade = start.equals("5");
        super.channelRead(ctx, packets);
        if (upgrade) {
            upgrading.remove(sid);
            if (client.getCurrentTransport() == Transport.WEBSOCKET
                    && !client.getPacketsQueue(Transport.WEBSOCKET).isEmpty()) {
                client.send(noop(client)); // any websocket write drains the whole queue
            }
        }
    }

    private static UUID pollingSession(FullHttpRequest request) {
        Map<String, List<String>> query = new QueryStringDecoder(request.uri()).parameters();
        List<String> transport = query.get("transport");
        List<String> sid = query.get("sid");
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

    private static Packet noop(ClientHead client) {
        return new Packet(PacketType.NOOP, client.getEngineIOVersion());
    }
}
