package org.openworldchat.realtime;

import com.corundumstudio.socketio.SocketIOServer;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.openworldchat.contract.ServerEvent;
import org.openworldchat.message.Message;
import org.openworldchat.metrics.ChatMetrics;
import org.openworldchat.message.MessageEvents;
import org.openworldchat.presence.Presence;
import org.openworldchat.presence.PresenceEvents;
import org.openworldchat.reaction.ReactionEvents;

/** The one global room: every socket that sent {@code JOIN_CHAT}. Delivers what the services announce. */
final class ChatRoom implements MessageEvents, ReactionEvents, PresenceEvents {

    static final String NAME = "chat";

    private final SocketIOServer server;
    private final ChatMetrics metrics;

    ChatRoom(SocketIOServer server, ChatMetrics metrics) {
        this.server = server;
        this.metrics = metrics;
    }

    @Override
    public void published(Message message) {
        metrics.messageSent();
        broadcast(ServerEvent.NEW_MESSAGE, WireFormat.message(message));
    }

    @Override
    public void reactionsChanged(UUID messageId, Map<String, List<UUID>> reactions) {
        metrics.reactionToggled();
        broadcast(ServerEvent.MESSAGE_REACTION_UPDATED,
                Map.of("messageId", messageId.toString(), "reactions", WireFormat.reactions(reactions)));
    }

    @Override
    public void countsChanged(Presence.Counts counts) {
        broadcast(ServerEvent.ONLINE_USERS_COUNT, Map.of("count", counts.online(), "watching", counts.watching()));
    }

    void broadcast(ServerEvent event, Object payload) {
        server.getRoomOperations(NAME).sendEvent(event.wireName(), payload);
    }
}
