package org.openworldchat.realtime;

import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.handler.TransportState;
import com.corundumstudio.socketio.protocol.EngineIOVersion;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.transport.NamespaceClient;
import io.netty.channel.Channel;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The websocket channel under a Socket.IO client. netty-socketio keeps it private, but writing a
 * broadcast's one shared frame to each channel is what makes fan-out cheap (see
 * {@link RoomBroadcaster}). If a library upgrade moves the field, every client simply takes the
 * library's own per-socket path again (the {@code owc_broadcast_deliveries_total} metric shows which).
 */
final class ClientChannels {

    private static final Logger log = LoggerFactory.getLogger(ClientChannels.class);

    private final Field transports;

    private ClientChannels(Field transports) {
        this.transports = transports;
    }

    static ClientChannels create() {
        try {
            Field field = ClientHead.class.getDeclaredField("channels");
            field.setAccessible(true);
            return new ClientChannels(field);
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.atWarn().addKeyValue("error", e.toString())
                    .log("broadcasts fall back to encoding per socket: the library's channel field is not reachable");
            return new ClientChannels(null);
        }
    }

    /**
     * The open websocket channel of an Engine.IO v4 client that has finished upgrading, or
     * {@code null} when the client is on long-polling, mid-upgrade, closing or of an older protocol.
     */
    Channel websocket(SocketIOClient client) {
        if (transports == null || !(client instanceof NamespaceClient namespaced)
                || client.getTransport() != Transport.WEBSOCKET) {
            return null;
        }
        ClientHead head = namespaced.getBaseClient();
        if (head.getEngineIOVersion() != EngineIOVersion.V4) {
            return null;
        }
        try {
            @SuppressWarnings("unchecked")
            Map<Transport, TransportState> states = (Map<Transport, TransportState>) transports.get(head);
            TransportState state = states.get(Transport.WEBSOCKET);
            Channel channel = state == null ? null : state.getChannel();
            return channel != null && channel.isActive() ? channel : null;
        } catch (IllegalAccessException | RuntimeException e) {
            return null;
        }
    }

    /** Every open connection of the client (its websocket, its waiting long-poll), for a stopping server. */
    List<Channel> open(SocketIOClient client) {
        if (transports == null || !(client instanceof NamespaceClient namespaced)) {
            return List.of();
        }
        try {
            @SuppressWarnings("unchecked")
            Map<Transport, TransportState> states = (Map<Transport, TransportState>) transports.get(namespaced.getBaseClient());
            List<Channel> open = new ArrayList<>(2);
            for (TransportState state : states.values()) {
                Channel channel = state.getChannel();
                if (channel != null && channel.isOpen()) {
                    open.add(channel);
                }
            }
            return open;
        } catch (IllegalAccessException | RuntimeException e) {
            return List.of();
        }
    }

    /**
     * Whether the library holds more than {@code limit} packets for this client that it has not
     * written yet, in the queue its next send goes to (a long-polling client's next poll takes
     * them). Counts at most {@code limit + 1} of them.
     */
    static boolean queuedMoreThan(SocketIOClient client, int limit) {
        if (!(client instanceof NamespaceClient namespaced)) {
            return false;
        }
        ClientHead head = namespaced.getBaseClient();
        int queued = 0;
        for (Iterator<Packet> it = head.getPacketsQueue(head.getCurrentTransport()).iterator(); it.hasNext(); it.next()) {
            if (++queued > limit) {
                return true;
            }
        }
        return false;
    }

    /** Whether the library still holds packets for this client that it has not written yet. */
    static boolean hasQueuedPackets(SocketIOClient client) {
        return client instanceof NamespaceClient namespaced
                && !namespaced.getBaseClient().getPacketsQueue(Transport.WEBSOCKET).isEmpty();
    }
}
