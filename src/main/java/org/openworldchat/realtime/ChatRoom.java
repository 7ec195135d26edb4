package org.openworldchat.realtime;

import java.util.Map;
import org.openworldchat.contract.ServerEvent;
import org.openworldchat.message.Message;
import org.openworldchat.metrics.ChatMetrics;
import org.openworldchat.message.MessageEvents;
import org.openworldchat.presence.Presence;
import org.openworldchat.presence.PresenceEvents;
import org.openworldchat.reaction.ReactionEvents;
import org.openworldchat.reaction.ReactionUpdate;

/** The one global room: every socket that sent {@code JOIN_CHAT}. Delivers what the services announce. */
final class ChatRoom implements MessageEvents, ReactionEvents, PresenceEvents {

    static final String NAME = "chat";

    private final RoomBroadcaster broadcaster;
    private final ChatMetrics metrics;
    private final ClusterBus bus;

    ChatRoom(RoomBroadcaster broadcaster, ChatMetrics metrics, ClusterBus bus) {
        this.broadcaster = broadcaster;
        this.metrics = metrics;
        this.bus = bus;
        bus.start(this::deliver);
    }

    @Override
    public void published(Message message) {
        metrics.messageSent();
        everywhere(ServerEvent.NEW_MESSAGE, WireFormat.message(message));
    }

    @Override
    public void toggled(int toggles) {
        metrics.reactionsToggled(toggles);
    }

    @Override
    public void reactionsChanged(ReactionUpdate update) {
        everywhere(ServerEvent.MESSAGE_REACTION_UPDATED, WireFormat.reactionUpdate(update));
    }

    /**
     * Every node reads the same shared counts and announces them to its own sockets, so counts
     * never travel over the bus (that would multiply them by the number of nodes).
     */
    @Override
    public void countsChanged(Presence.Counts counts) {
        deliver(new ClusterBus.Broadcast(ServerEvent.ONLINE_USERS_COUNT.wireName(),
                Map.of("count", counts.online(), "watching", counts.watching())));
    }

    /** To this node's sockets now, and to the other nodes' through the bus. */
    private void everywhere(ServerEvent event, Object payload) {
        ClusterBus.Broadcast broadcast = new ClusterBus.Broadcast(event.wireName(), payload);
        deliver(broadcast);
        bus.publish(broadcast);
    }

    private void deliver(ClusterBus.Broadcast broadcast) {
        broadcaster.send(NAME, broadcast.event(), broadcast.payload());
    }
}
