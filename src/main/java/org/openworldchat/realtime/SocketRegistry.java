package org.openworldchat.realtime;

import com.corundumstudio.socketio.SocketIOClient;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** The sockets this node holds, by Socket.IO session id. */
final class SocketRegistry {

    private final Map<UUID, SocketContext> sockets = new ConcurrentHashMap<>();

    void add(SocketIOClient client, SocketContext context) {
        sockets.put(client.getSessionId(), context);
    }

    SocketContext get(SocketIOClient client) {
        return sockets.get(client.getSessionId());
    }

    SocketContext get(UUID sessionId) {
        return sockets.get(sessionId);
    }

    SocketContext remove(SocketIOClient client) {
        return sockets.remove(client.getSessionId());
    }

    int size() {
        return sockets.size();
    }
}
