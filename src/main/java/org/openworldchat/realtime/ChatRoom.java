package org.openworldchat.realtime;

import com.corundumstudio.socketio.SocketIOServer;
import org.openworldchat.contract.ServerEvent;
import org.openworldchat.message.Message;
import org.openworldchat.message.MessageEvents;

/** The one global room: every socket that sent {@code JOIN_CHAT}. Delivers what the services announce. */
final class ChatRoom implements MessageEvents {

    static final String NAME = "chat";

    private final SocketIOServer server;

    ChatRoom(SocketIOServer server) {
        this.server = server;
    }

    @Override
    public void published(Message message) {
        broadcast(ServerEvent.NEW_MESSAGE, WireFormat.message(message));
    }

    void broadcast(ServerEvent event, Object payload) {
        server.getRoomOperations(NAME).sendEvent(event.wireName(), payload);
    }
}
