package org.openworldchat.realtime;

import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.protocol.EngineIOVersion;
import com.corundumstudio.socketio.protocol.JsonSupport;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketType;
import com.corundumstudio.socketio.transport.NamespaceClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.openworldchat.metrics.ChatMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one event to every socket of a room, encoding it once.
 *
 * <p>The library encodes a broadcast again for every socket (JSON and frame alike), which made
 * fan-out cost as much CPU per delivery as a Node.js server. Here the event is serialized once,
 * as a complete websocket text frame around {@code 42[...]}; each websocket channel gets a
 * retained duplicate of that one buffer (no copy), written at the socket end of its pipeline
 * (there is nothing left for the other handlers to do to it), and each event loop gets one task
 * that writes to all its channels, instead of one task per socket; {@link PendingFlushes} then
 * flushes them, once for every broadcast that queued up meanwhile. Sockets
 * on long-polling (or mid-upgrade, or with packets the library has not written yet, so order is
 * kept) take the library's own path.
 *
 * <p>On that path the library queues each packet until the client's next poll takes it, without
 * limit: a polling client that stops polling would hold every broadcast until its ping timeout
 * (45 s). Past {@link #MAX_QUEUED_PACKETS} the client is disconnected instead, as the
 * {@link SlowConsumerGuard} closes a websocket that stopped reading; it reconnects when it can
 * and catches up with {@code JOIN_CHAT {since}}.
 */
final class RoomBroadcaster {

    private static final Logger log = LoggerFactory.getLogger(RoomBroadcaster.class);

    /** Packets the library may hold for one client on the per-socket path (long-polling) before it is disconnected. */
    static final int MAX_QUEUED_PACKETS = 1_000;
    /**
     * Counting a queue walks it, so it is counted at every sixteenth broadcast only: a client
     * holds at most that many packets more than the limit.
     */
    static final int CHECK_EVERY = 16;

    private record Target(SocketIOClient client, Channel channel) {
    }

    private final SocketIOServer server;
    private final JsonSupport json;
    private final ClientChannels channels;
    private final ChatMetrics metrics;
    private final Executor disconnects;
    private final Map<EventLoop, PendingFlushes> pendingFlushes = new ConcurrentHashMap<>();
    private final AtomicLong broadcasts = new AtomicLong();
    private final Set<UUID> disconnecting = ConcurrentHashMap.newKeySet();

    /** @param disconnects where clients over their backlog are disconnected (their disconnect listeners may block) */
    RoomBroadcaster(SocketIOServer server, JsonSupport json, ClientChannels channels, ChatMetrics metrics,
                    Executor disconnects) {
        this.server = server;
        this.json = json;
        this.channels = channels;
        this.metrics = metrics;
        this.disconnects = disconnects;
    }

    void send(String room, String event, Object payload) {
        Packet packet = new Packet(PacketType.MESSAGE, EngineIOVersion.V4);
        packet.setSubType(PacketType.EVENT);
        packet.setName(event);
        packet.setData(List.of(payload));

        Map<EventLoop, List<Target>> byLoop = new HashMap<>(8);
        int perSocket = 0;
        boolean countQueues = broadcasts.getAndIncrement() % CHECK_EVERY == 0;
        for (SocketIOClient client : server.getRoomOperations(room).getClients()) {
            Channel channel = channels.websocket(client);
            if (channel == null) {
                if (countQueues && ClientChannels.queuedMoreThan(client, MAX_QUEUED_PACKETS)) {
                    disconnect(client);
                    continue;
                }
                client.send(packet);
                perSocket++;
            } else {
                byLoop.computeIfAbsent(channel.eventLoop(), loop -> new ArrayList<>()).add(new Target(client, channel));
            }
        }
        int shared = 0;
        if (!byLoop.isEmpty()) {
            ByteBuf frame = encode(event, payload);
            try {
                for (Map.Entry<EventLoop, List<Target>> entry : byLoop.entrySet()) {
                    List<Target> targets = entry.getValue();
                    shared += targets.size();
                    PendingFlushes flushes = pendingFlushes.computeIfAbsent(entry.getKey(), PendingFlushes::new);
                    frame.retain();
                    try {
                        entry.getKey().execute(() -> writeAll(targets, frame, packet, flushes));
                    } catch (RejectedExecutionException stopping) {
                        frame.release(); // the server is stopping and its sockets close
                    }
                }
            } finally {
                frame.release();
            }
        }
        metrics.broadcastDelivered(shared, perSocket);
    }

    /**
     * Disconnects a client that leaves the library more packets than {@link #MAX_QUEUED_PACKETS}
     * (a long-polling client that stopped polling): the session ends as at a ping timeout, and
     * the library lets go of its queue.
     */
    private void disconnect(SocketIOClient client) {
        if (!(client instanceof NamespaceClient namespaced) || !disconnecting.add(client.getSessionId())) {
            return;
        }
        log.atInfo().addKeyValue("sessionId", client.getSessionId()).addKeyValue("transport", client.getTransport())
                .log("disconnecting a client that stopped taking its packets");
        try {
            disconnects.execute(() -> {
                try {
                    namespaced.getBaseClient().disconnect();
                } finally {
                    disconnecting.remove(client.getSessionId());
                }
            });
        } catch (RejectedExecutionException stopping) {
            disconnecting.remove(client.getSessionId()); // the server is stopping and ends every session
        }
    }

    /** On the channels' own event loop, so the queue check and the write cannot interleave with the library's encoder. */
    private static void writeAll(List<Target> targets, ByteBuf frame, Packet packet, PendingFlushes flushes) {
        try {
            for (Target target : targets) {
                Channel channel = target.channel();
                if (!channel.isActive() || SlowConsumerGuard.refuses(channel)) {
                    continue;
                }
                ChannelHandlerContext socketEnd = channel.pipeline().firstContext();
                if (ClientChannels.hasQueuedPackets(target.client())) {
                    target.client().send(packet);
                } else if (socketEnd != null && socketEnd.handler() instanceof SlowConsumerGuard) {
                    socketEnd.write(frame.retainedDuplicate(), channel.voidPromise());
                    flushes.add(channel);
                } else {
                    channel.writeAndFlush(new TextWebSocketFrame(WebSocketFrames.payload(frame).retainedDuplicate()));
                }
            }
        } finally {
            frame.release();
        }
    }

    /** The event as one websocket text frame: Socket.IO's {@code 42["name",payload]} with its frame header. */
    private ByteBuf encode(String event, Object payload) {
        ByteBuf text = PooledByteBufAllocator.DEFAULT.heapBuffer(512);
        try {
            text.writeByte('4').writeByte('2');
            json.writeValue(new ByteBufOutputStream(text), List.of(event, payload));
            return WebSocketFrames.text(text, PooledByteBufAllocator.DEFAULT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            text.release();
        }
    }
}
